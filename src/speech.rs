//! Speech output ("Číst nahlas"): the platform's synthesizer, espeak-ng, run as
//! a child process per utterance, its sound streamed to ALSA's `aplay` on the
//! output the core chose (the speaker, or headphones for personal data), or into
//! a WAV file for `portal-kiosk say`.
//!
//! Why processes and not a linked library: a synthesizer that hangs or crashes
//! cannot freeze or take down the UI, stopping is killing, and the kiosk and
//! `say` use the very same engine and voices an operator can try by hand. The
//! volume is applied here, to the samples, so the on-screen −/+ works on any
//! sound card.
//!
//! It must never log or keep what it says: the text may hold a citizen's name
//! or amounts. Logs carry counts and durations only.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::i18n::Language;
use crate::kiosk::{Output, Script};

/// The one sample format spoken: what espeak-ng's own voices produce.
pub const SAMPLE_RATE: u32 = 22_050;
/// The volume steps offered on screen; the middle of the range is the
/// synthesizer's own level.
pub const VOLUME_MAX: u8 = 10;
/// Decibels per volume step: 1–10 spans 27 dB (EN 301 549 8.2.1 asks ≥ 18 dB).
const DB_PER_STEP: f32 = 3.0;
/// The step at which the samples pass unchanged.
const UNITY_STEP: f32 = 7.0;
/// The longest text given to the synthesizer at once (a screen is far shorter).
const TEXT_MAX: usize = 20_000;

#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error("cannot start the speech synthesizer `{program}`: {source}")]
    Synthesizer {
        program: String,
        source: std::io::Error,
    },
    #[error("cannot start the audio player `{program}`: {source}")]
    Player {
        program: String,
        source: std::io::Error,
    },
    #[error("the speech synthesizer gave no usable sound: {0}")]
    Sound(String),
    #[error("cannot write the sound file {path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("audio output failed: {0}")]
    Output(std::io::Error),
}

/// Where the synthesizer and the player are, and how they are used (from the
/// site config's `[speech]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Engine {
    /// The espeak-ng program.
    pub program: String,
    /// The ALSA player fed raw samples on its standard input.
    pub player: String,
    /// ALSA device of the loudspeaker ("default" for the system's).
    pub speaker_device: String,
    /// ALSA device of the headphone jack, when the kiosk has one.
    pub headphone_device: Option<String>,
    /// Words per minute (espeak-ng's default is 175; older listeners prefer slower).
    pub rate: u16,
}

impl Default for Engine {
    fn default() -> Self {
        Engine {
            program: "espeak-ng".into(),
            player: "aplay".into(),
            speaker_device: "default".into(),
            headphone_device: None,
            rate: 150,
        }
    }
}

/// The espeak-ng voice for a language.
pub fn voice(lang: Language) -> &'static str {
    match lang {
        Language::Cs => "cs",
        Language::En => "en-gb",
        Language::De => "de",
        Language::Uk => "uk",
    }
}

/// The factor a volume step multiplies the samples by.
pub fn gain(volume: u8) -> f32 {
    let step = f32::from(volume.clamp(1, VOLUME_MAX));
    10f32.powf((step - UNITY_STEP) * DB_PER_STEP / 20.0)
}

fn scale(samples: &mut [i16], gain: f32) {
    if (gain - 1.0).abs() < f32::EPSILON {
        return;
    }
    for s in samples {
        *s = (f32::from(*s) * gain).clamp(f32::from(i16::MIN), f32::from(i16::MAX)) as i16;
    }
}

impl Engine {
    /// Starts espeak-ng on `text` in `lang`'s voice, its WAV stream on stdout.
    /// The text goes through stdin: nothing in it can become an option.
    fn synthesizer(&self, lang: Language, text: &str) -> Result<Child, SpeechError> {
        let failed = |source| SpeechError::Synthesizer {
            program: self.program.clone(),
            source,
        };
        let mut child = Command::new(&self.program)
            .args(["--stdout", "-b", "1", "-v", voice(lang), "-s"])
            .arg(self.rate.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(failed)?;
        let mut text: String = text.chars().take(TEXT_MAX).collect();
        text.push('\n');
        if let Some(mut stdin) = child.stdin.take() {
            // espeak-ng reads all of stdin before speaking; a failure here shows
            // as a short or empty sound below.
            let _ = stdin.write_all(text.as_bytes());
        }
        Ok(child)
    }

    /// The whole sound of `parts` at `volume`, for a file.
    pub fn render(
        &self,
        parts: &[(Language, String)],
        volume: u8,
    ) -> Result<Vec<i16>, SpeechError> {
        let mut all = Vec::new();
        for (lang, text) in parts {
            let mut child = self.synthesizer(*lang, text)?;
            let stdout = child
                .stdout
                .take()
                .ok_or_else(|| SpeechError::Sound("no output".into()))?;
            let mut stream = WavStream::open(stdout)?;
            let mut samples = Vec::new();
            while let Some(chunk) = stream.next_chunk()? {
                samples.extend_from_slice(&chunk);
            }
            let _ = child.wait();
            scale(&mut samples, gain(volume));
            all.extend(samples);
        }
        if all.is_empty() {
            return Err(SpeechError::Sound("no samples".into()));
        }
        Ok(all)
    }

    /// Writes what the kiosk would say to a WAV file; returns its duration.
    pub fn say_to_file(
        &self,
        parts: &[(Language, String)],
        volume: u8,
        path: &Path,
    ) -> Result<Duration, SpeechError> {
        let samples = self.render(parts, volume)?;
        write_wav(path, &samples).map_err(|source| SpeechError::File {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Duration::from_secs_f64(
            samples.len() as f64 / f64::from(SAMPLE_RATE),
        ))
    }

    fn device(&self, output: Output) -> &str {
        match output {
            Output::Headphones => self
                .headphone_device
                .as_deref()
                .unwrap_or(&self.speaker_device),
            Output::Speaker => &self.speaker_device,
        }
    }

    fn player_process(&self, output: Output) -> Result<Child, SpeechError> {
        Command::new(&self.player)
            .args(["-q", "-t", "raw", "-f", "S16_LE", "-c", "1", "-r"])
            .arg(SAMPLE_RATE.to_string())
            .arg("-D")
            .arg(self.device(output))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|source| SpeechError::Player {
                program: self.player.clone(),
                source,
            })
    }
}

/// espeak-ng's WAV stream: the header (its sizes unknown while streaming), then
/// 16-bit mono samples.
struct WavStream {
    reader: ChildStdout,
    /// An odd byte left from the last read.
    carry: Option<u8>,
}

impl WavStream {
    fn open(mut reader: ChildStdout) -> Result<WavStream, SpeechError> {
        let mut header = [0u8; 12];
        read_exact(&mut reader, &mut header)?;
        if &header[0..4] != b"RIFF" || &header[8..12] != b"WAVE" {
            return Err(SpeechError::Sound("not a WAV stream".into()));
        }
        // Chunks up to "data"; "fmt " must say 16-bit mono at SAMPLE_RATE.
        loop {
            let mut chunk = [0u8; 8];
            read_exact(&mut reader, &mut chunk)?;
            let size = u32::from_le_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]);
            match &chunk[0..4] {
                b"data" => break,
                b"fmt " => {
                    if !(16..=64).contains(&size) {
                        return Err(SpeechError::Sound("odd format chunk".into()));
                    }
                    let mut fmt = vec![0u8; size as usize];
                    read_exact(&mut reader, &mut fmt)?;
                    let channels = u16::from_le_bytes([fmt[2], fmt[3]]);
                    let rate = u32::from_le_bytes([fmt[4], fmt[5], fmt[6], fmt[7]]);
                    let bits = u16::from_le_bytes([fmt[14], fmt[15]]);
                    if channels != 1 || bits != 16 || rate != SAMPLE_RATE {
                        return Err(SpeechError::Sound(format!(
                            "{channels} channel(s), {bits} bits, {rate} Hz; expected mono 16-bit {SAMPLE_RATE} Hz"
                        )));
                    }
                }
                _ => {
                    if size > 4096 {
                        return Err(SpeechError::Sound("oversized header chunk".into()));
                    }
                    let mut skip = vec![0u8; size as usize];
                    read_exact(&mut reader, &mut skip)?;
                }
            }
        }
        Ok(WavStream {
            reader,
            carry: None,
        })
    }

    /// The next samples, None at the end.
    fn next_chunk(&mut self) -> Result<Option<Vec<i16>>, SpeechError> {
        let mut buf = [0u8; 4096];
        let start = usize::from(self.carry.is_some());
        if let Some(b) = self.carry.take() {
            buf[0] = b;
        }
        let n = loop {
            match self.reader.read(&mut buf[start..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(SpeechError::Output(e)),
            }
        };
        if n == 0 {
            return Ok(None);
        }
        let len = start + n;
        let even = len - len % 2;
        if even < len {
            self.carry = Some(buf[even]);
        }
        Ok(Some(
            buf[..even]
                .as_chunks::<2>()
                .0
                .iter()
                .map(|b| i16::from_le_bytes(*b))
                .collect(),
        ))
    }
}

fn read_exact(reader: &mut impl Read, buf: &mut [u8]) -> Result<(), SpeechError> {
    reader
        .read_exact(buf)
        .map_err(|e| SpeechError::Sound(format!("short stream: {e}")))
}

/// A 16-bit mono WAV file at [`SAMPLE_RATE`].
pub fn write_wav(path: &Path, samples: &[i16]) -> std::io::Result<()> {
    let data_len = u32::try_from(samples.len() * 2).unwrap_or(u32::MAX - 36);
    let mut out = Vec::with_capacity(44 + samples.len() * 2);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&SAMPLE_RATE.to_le_bytes());
    out.extend_from_slice(&(SAMPLE_RATE * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    std::fs::write(path, out)
}

/// What the speech thread reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpeechNews {
    /// The first sound of the job went to the player, this long after the request.
    Started { latency: Duration },
    /// The job was said to its end.
    Finished,
    /// The job could not be said (no synthesizer, no player, no sound).
    Failed,
}

struct Job {
    generation: u64,
    script: Script,
    asked: Instant,
}

/// The speech thread: one job at a time; a new job or [`Speaker::stop`] ends the
/// one being said at once (its processes are killed).
pub struct Speaker {
    jobs: mpsc::Sender<Job>,
    generation: Arc<AtomicU64>,
    running: Arc<Mutex<Vec<Child>>>,
    /// The volume step, read for every chunk: −/+ act on what is being said.
    volume: Arc<AtomicU8>,
}

impl Speaker {
    /// Starts the thread; `news` is called from it for each job (never for one
    /// that was stopped).
    pub fn start(
        engine: Engine,
        volume: u8,
        news: impl Fn(SpeechNews) + Send + 'static,
    ) -> Speaker {
        let (jobs, rx) = mpsc::channel::<Job>();
        let generation = Arc::new(AtomicU64::new(0));
        let running = Arc::new(Mutex::new(Vec::new()));
        let volume = Arc::new(AtomicU8::new(volume));
        let (gen2, run2, vol2) = (generation.clone(), running.clone(), volume.clone());
        let spawned = std::thread::Builder::new()
            .name("speech".into())
            .spawn(move || {
                while let Ok(job) = rx.recv() {
                    if job.generation != gen2.load(Ordering::SeqCst) {
                        continue;
                    }
                    let id = job.generation;
                    let result = say(&engine, job, &gen2, &run2, &vol2, &news);
                    kill_all(&run2);
                    if gen2.load(Ordering::SeqCst) != id {
                        continue; // stopped: nobody waits for news of it
                    }
                    match result {
                        Ok(()) => news(SpeechNews::Finished),
                        Err(e) => {
                            tracing::warn!(error = %e, "speech failed");
                            news(SpeechNews::Failed);
                        }
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the speech thread");
        }
        Speaker {
            jobs,
            generation,
            running,
            volume,
        }
    }

    /// Says `script` (stopping whatever was being said).
    pub fn speak(&self, script: Script) {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        kill_all(&self.running);
        let _ = self.jobs.send(Job {
            generation,
            script,
            asked: Instant::now(),
        });
    }

    /// The volume step (1–10), also for what is being said.
    pub fn set_volume(&self, volume: u8) {
        self.volume.store(volume, Ordering::SeqCst);
    }

    /// Stops at once (nothing is reported for the job stopped).
    pub fn stop(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        kill_all(&self.running);
    }
}

impl Drop for Speaker {
    fn drop(&mut self) {
        self.stop();
    }
}

fn kill_all(running: &Mutex<Vec<Child>>) {
    let mut running = running.lock().unwrap_or_else(|p| p.into_inner());
    for mut child in running.drain(..) {
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// Says one job: one player for the whole job, a synthesizer per part.
fn say(
    engine: &Engine,
    job: Job,
    generation: &AtomicU64,
    running: &Mutex<Vec<Child>>,
    volume: &AtomicU8,
    news: &impl Fn(SpeechNews),
) -> Result<(), SpeechError> {
    let current = || generation.load(Ordering::SeqCst) == job.generation;
    let mut player = engine.player_process(job.script.output)?;
    let mut sink = player
        .stdin
        .take()
        .ok_or_else(|| SpeechError::Output(std::io::Error::other("no player input")))?;
    running
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(player);
    let mut started = false;
    let count = job.script.parts.len();
    for part in job.script.parts {
        if !current() {
            return Ok(());
        }
        let mut synth = engine.synthesizer(part.lang, &part.text)?;
        let stdout = synth.stdout.take();
        running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(synth);
        let Some(stdout) = stdout else { continue };
        let mut stream = WavStream::open(stdout)?;
        while let Some(mut chunk) = stream.next_chunk()? {
            if !current() {
                return Ok(());
            }
            scale(&mut chunk, gain(volume.load(Ordering::SeqCst)));
            let bytes: Vec<u8> = chunk.iter().flat_map(|s| s.to_le_bytes()).collect();
            if let Err(e) = sink.write_all(&bytes) {
                // Killed by a stop: not a failure.
                return if current() {
                    Err(SpeechError::Output(e))
                } else {
                    Ok(())
                };
            }
            if !started {
                started = true;
                news(SpeechNews::Started {
                    latency: job.asked.elapsed(),
                });
            }
        }
    }
    drop(sink);
    // Let the player play out what it has; it stays killable by a stop.
    loop {
        let done = {
            let mut running = running.lock().unwrap_or_else(|p| p.into_inner());
            running
                .first_mut()
                .is_none_or(|player| !matches!(player.try_wait(), Ok(None)))
        };
        if done || !current() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    tracing::debug!(parts = count, "speech finished");
    if started {
        Ok(())
    } else {
        Err(SpeechError::Sound("nothing was said".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_steps_span_27_db_around_the_synthesizers_level() {
        assert!((gain(7) - 1.0).abs() < 1e-6);
        let span_db = 20.0 * (gain(10) / gain(1)).log10();
        assert!((span_db - 27.0).abs() < 0.01, "{span_db}");
        assert_eq!(gain(0), gain(1));
        assert_eq!(gain(200), gain(10));
        let mut s = [20_000i16, -20_000, 100];
        scale(&mut s, gain(10));
        assert_eq!(s[0], i16::MAX, "clipped, never wrapped");
        assert_eq!(s[1], i16::MIN);
        assert_eq!(s[2], 281);
    }

    #[test]
    fn a_wav_file_has_the_header_players_expect() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.wav");
        write_wav(&path, &[1, -1, 300]).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[0..4], b"RIFF");
        assert_eq!(u32::from_le_bytes(bytes[4..8].try_into().unwrap()), 36 + 6);
        assert_eq!(
            u32::from_le_bytes(bytes[24..28].try_into().unwrap()),
            SAMPLE_RATE
        );
        assert_eq!(&bytes[36..40], b"data");
        assert_eq!(bytes.len(), 44 + 6);
        assert_eq!(i16::from_le_bytes([bytes[48], bytes[49]]), 300);
    }
}
