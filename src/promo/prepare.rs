//! Turning a playlist slide into pixels the UI can show without further work:
//! images decoded, scaled to cover the screen and cropped; QR codes drawn.
//!
//! This runs on the `promo-preparer` thread. It must never run on the UI thread
//! (a 1080p JPEG takes tens of milliseconds to decode) and never panic on content.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;

use image::{ImageReader, Limits, RgbImage, imageops};
#[cfg(not(feature = "ui"))]
use pixels::{Rgb8Pixel, SharedPixelBuffer};
#[cfg(feature = "ui")]
use slint::{Rgb8Pixel, SharedPixelBuffer};

use super::{PlaylistSlide, SlideImage, SlideKind};

/// A slide ready for the screen.
#[derive(Clone)]
pub enum PreparedSlide {
    /// Exactly the screen size; opaque RGB (25 % less memory than RGBA).
    Image(SharedPixelBuffer<Rgb8Pixel>),
    Text {
        title: String,
        body: String,
        qr: Option<SharedPixelBuffer<Rgb8Pixel>>,
        /// The QR code's address in short form, printed under it for people without a phone.
        qr_caption: String,
    },
}

impl std::fmt::Debug for PreparedSlide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PreparedSlide::Image(b) => write!(f, "Image({}x{})", b.width(), b.height()),
            PreparedSlide::Text { title, qr, .. } => {
                write!(f, "Text({title:?}, qr: {})", qr.is_some())
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SlideError {
    #[error("cannot read slide image {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot decode slide image: {0}")]
    Decode(#[from] image::ImageError),
    #[error("slide image of {width}×{height} px is too elongated to show")]
    Shape { width: u32, height: u32 },
    #[error("preparing the slide failed unexpectedly")]
    Crashed,
    #[error("cannot make a QR code of the slide's URL: {0}")]
    Qr(#[from] qrcode::types::QrError),
}

/// Largest image the kiosk agrees to decode (a 40-megapixel photo would take
/// hundreds of MB and seconds; such content is a mistake, not a slide).
const MAX_SOURCE_PIXELS: u32 = 8192;
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// Prepares one slide for a screen of `width` × `height` logical pixels.
pub fn prepare_slide(
    slide: &PlaylistSlide,
    width: u32,
    height: u32,
) -> Result<PreparedSlide, SlideError> {
    prepare_slide_cached(slide, width, height, None)
}

/// [`prepare_slide`], with a picture's screen-sized pixels taken from `cache`
/// when it has them and left there after decoding when it has not.
fn prepare_slide_cached(
    slide: &PlaylistSlide,
    width: u32,
    height: u32,
    cache: Option<&PixelCache>,
) -> Result<PreparedSlide, SlideError> {
    match &slide.kind {
        SlideKind::Image(source) => {
            let cached = cache.and_then(|c| Some((c, PixelCache::key(source, width, height)?)));
            if let Some((cache, key)) = &cached
                && let Some(pixels) = cache.load(key, width.max(1), height.max(1))
            {
                return Ok(PreparedSlide::Image(pixels));
            }
            let img = decode(source)?;
            let (w, h) = (img.width().max(1), img.height().max(1));
            if w / h > MAX_ASPECT_RATIO || h / w > MAX_ASPECT_RATIO {
                return Err(SlideError::Shape {
                    width: w,
                    height: h,
                });
            }
            let pixels = fit(&img, width, height);
            if let Some((cache, key)) = &cached {
                cache.store(key, &pixels);
            }
            Ok(PreparedSlide::Image(pixels))
        }
        SlideKind::Text {
            title,
            body,
            qr_url,
        } => {
            let qr = match qr_url {
                Some(url) => Some(qr_code_image(url, (height / 3).max(200))?),
                None => None,
            };
            let qr_caption = qr_url.as_deref().map(short_url).unwrap_or_default();
            Ok(PreparedSlide::Text {
                title: tie_short_words(title),
                body: tie_short_words(body),
                qr,
                qr_caption,
            })
        }
    }
}

/// Czech typography: a one-letter word (k, s, v, z, o, u, a, i) must not end a
/// line, so the space after it becomes a no-break space.
pub fn tie_short_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        let word_start = previous.is_none_or(|p| p.is_whitespace() || p == '(');
        let one_letter = matches!(
            c.to_lowercase().next(),
            Some('k' | 's' | 'v' | 'z' | 'o' | 'u' | 'a' | 'i')
        );
        if word_start && one_letter && chars.peek() == Some(&' ') {
            chars.next();
            out.push('\u{a0}');
            previous = Some(' ');
            continue;
        }
        previous = Some(c);
    }
    out
}

/// `https://obcan.litomerice.cz/` → `obcan.litomerice.cz`.
fn short_url(url: &str) -> String {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    rest.trim_end_matches('/').to_string()
}

fn decode(source: &SlideImage) -> Result<RgbImage, SlideError> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SOURCE_PIXELS);
    limits.max_image_height = Some(MAX_SOURCE_PIXELS);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let image = match source {
        SlideImage::Bundled(_) | SlideImage::Bytes(_) => {
            let bytes: &[u8] = match source {
                SlideImage::Bundled(bytes) => bytes,
                SlideImage::Bytes(bytes) => bytes,
                SlideImage::File(_) => &[],
            };
            let mut reader = ImageReader::new(std::io::Cursor::new(bytes))
                .with_guessed_format()
                .map_err(|e| SlideError::Read {
                    path: "(bundled)".into(),
                    source: e,
                })?;
            reader.limits(limits);
            reader.decode()?
        }
        SlideImage::File(path) => {
            let mut reader = ImageReader::open(path)
                .and_then(|r| r.with_guessed_format())
                .map_err(|e| SlideError::Read {
                    path: path.display().to_string(),
                    source: e,
                })?;
            reader.limits(limits);
            reader.decode()?
        }
    };
    Ok(image.to_rgb8())
}

/// How much the picture's and the screen's shapes may differ before cropping
/// would cut away too much (a third of the picture): beyond it the whole
/// picture is shown, the space around it in the colour of its edges.
const MAX_COVER_MISMATCH: f64 = 1.5;

/// The picture at exactly `width` × `height`: cropped to cover the screen when
/// the shapes are close; whole ("contain") when they are not — a landscape
/// slide with its headline baked in on a portrait panel keeps its headline.
fn fit(img: &RgbImage, width: u32, height: u32) -> SharedPixelBuffer<Rgb8Pixel> {
    let picture = f64::from(img.width().max(1)) / f64::from(img.height().max(1));
    let screen = f64::from(width.max(1)) / f64::from(height.max(1));
    if (picture / screen).max(screen / picture) <= MAX_COVER_MISMATCH {
        return cover(img, width, height);
    }
    // Around it: the colour of the picture's own edge (the sky above, the
    // ground below), so the picture seems to continue rather than to float.
    let wide = picture > screen;
    let edge = |first: bool| -> image::Rgb<u8> {
        let (iw, ih) = (img.width(), img.height());
        let band = 4.min(if wide { ih } else { iw });
        let mut sum = [0u64; 3];
        let mut n = 0u64;
        for i in 0..band {
            let line = if first {
                i
            } else {
                (if wide { ih } else { iw }) - 1 - i
            };
            for j in 0..(if wide { iw } else { ih }) {
                let p = if wide {
                    img.get_pixel(j, line)
                } else {
                    img.get_pixel(line, j)
                };
                for (total, channel) in sum.iter_mut().zip(p.0) {
                    *total += u64::from(channel);
                }
                n += 1;
            }
        }
        let n = n.max(1);
        image::Rgb([(sum[0] / n) as u8, (sum[1] / n) as u8, (sum[2] / n) as u8])
    };
    let (before, after) = (edge(true), edge(false));
    let (w, h) = if wide {
        (
            width,
            ((f64::from(width) / picture).round() as u32).clamp(1, height),
        )
    } else {
        (
            ((f64::from(height) * picture).round() as u32).clamp(1, width),
            height,
        )
    };
    let (x0, y0) = ((width - w) / 2, (height - h) / 2);
    let mut canvas = RgbImage::from_fn(width.max(1), height.max(1), |x, y| {
        if (wide && y < y0) || (!wide && x < x0) {
            before
        } else {
            after
        }
    });
    let whole = imageops::resize(img, w, h, imageops::FilterType::Triangle);
    imageops::overlay(&mut canvas, &whole, i64::from(x0), i64::from(y0));
    SharedPixelBuffer::clone_from_slice(canvas.as_raw(), width.max(1), height.max(1))
}

/// Crops the middle of `img` to the screen's shape, then scales it to exactly
/// `width` × `height`. Cropping first keeps the work (and memory) bounded by the
/// source and the screen, whatever the picture's proportions.
fn cover(img: &RgbImage, width: u32, height: u32) -> SharedPixelBuffer<Rgb8Pixel> {
    let (w, h) = (
        u64::from(img.width().max(1)),
        u64::from(img.height().max(1)),
    );
    let (sw, sh) = (u64::from(width.max(1)), u64::from(height.max(1)));
    // The largest part of the source with the screen's aspect ratio.
    let (cw, ch) = if w * sh > h * sw {
        ((h * sw / sh).max(1), h)
    } else {
        (w, (w * sh / sw).max(1))
    };
    let (cw, ch) = (cw.min(w) as u32, ch.min(h) as u32);
    let x0 = (img.width() - cw) / 2;
    let y0 = (img.height() - ch) / 2;
    let cropped = imageops::crop_imm(img, x0, y0, cw, ch).to_image();
    let scaled = if (cw, ch) == (width, height) {
        cropped
    } else {
        imageops::resize(&cropped, width, height, imageops::FilterType::Triangle)
    };
    SharedPixelBuffer::clone_from_slice(scaled.as_raw(), width, height)
}

/// A picture scaled to fit within `max_width` × `max_height`, its shape kept
/// (an urgent notice's picture beside its text). Like a slide, never on the UI thread.
pub fn prepare_picture(
    source: &SlideImage,
    max_width: u32,
    max_height: u32,
) -> Result<SharedPixelBuffer<Rgb8Pixel>, SlideError> {
    let img = decode(source)?;
    let (w, h) = (img.width().max(1), img.height().max(1));
    if w / h > MAX_ASPECT_RATIO || h / w > MAX_ASPECT_RATIO {
        return Err(SlideError::Shape {
            width: w,
            height: h,
        });
    }
    let (mw, mh) = (u64::from(max_width.max(1)), u64::from(max_height.max(1)));
    let (w64, h64) = (u64::from(w), u64::from(h));
    // The largest size of the picture's shape within the box, never enlarged.
    let (tw, th) = if w64 * mh > h64 * mw {
        (mw, (h64 * mw / w64).max(1))
    } else {
        ((w64 * mh / h64).max(1), mh)
    };
    let (tw, th) = (tw.min(w64) as u32, th.min(h64) as u32);
    let scaled = if (tw, th) == (w, h) {
        img
    } else {
        imageops::resize(&img, tw, th, imageops::FilterType::Triangle)
    };
    Ok(SharedPixelBuffer::clone_from_slice(
        scaled.as_raw(),
        scaled.width(),
        scaled.height(),
    ))
}

/// Pictures more elongated than this are content mistakes, not slides.
const MAX_ASPECT_RATIO: u32 = 8;

/// Draws a QR code (EC level M, 4-module quiet zone) at roughly `target` pixels,
/// with whole pixels per module so that it scans well from a phone.
pub fn qr_code_image(text: &str, target: u32) -> Result<SharedPixelBuffer<Rgb8Pixel>, SlideError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)?;
    let modules = code.width() as u32;
    let quiet = 4;
    let total = modules + 2 * quiet;
    let scale = (target / total).max(2);
    let side = total * scale;
    let colors = code.to_colors();
    let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(side, side);
    let pixels = buffer.make_mut_bytes();
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = (x / scale, y / scale);
            let dark = mx >= quiet
                && my >= quiet
                && mx < quiet + modules
                && my < quiet + modules
                && colors[((my - quiet) * modules + (mx - quiet)) as usize] == qrcode::Color::Dark;
            let v = if dark { 0 } else { 255 };
            let at = 3 * (y * side + x) as usize;
            pixels[at..at + 3].fill(v);
        }
    }
    Ok(buffer)
}

/// The library without its UI (the fuzz targets' build) prepares slides into
/// this stand-in for Slint's pixel buffer: the same calls, a plain vector.
#[cfg(not(feature = "ui"))]
mod pixels {
    use std::marker::PhantomData;

    #[derive(Clone, Debug)]
    pub struct Rgb8Pixel;

    #[derive(Clone, Debug)]
    pub struct SharedPixelBuffer<P> {
        width: u32,
        height: u32,
        rgb: Vec<u8>,
        pixel: PhantomData<P>,
    }

    impl SharedPixelBuffer<Rgb8Pixel> {
        pub fn new(width: u32, height: u32) -> Self {
            Self::clone_from_slice(
                &vec![0; 3 * width as usize * height as usize],
                width,
                height,
            )
        }

        pub fn clone_from_slice(rgb: &[u8], width: u32, height: u32) -> Self {
            SharedPixelBuffer {
                width,
                height,
                rgb: rgb.to_vec(),
                pixel: PhantomData,
            }
        }

        pub fn width(&self) -> u32 {
            self.width
        }

        pub fn height(&self) -> u32 {
            self.height
        }

        pub fn as_bytes(&self) -> &[u8] {
            &self.rgb
        }

        pub fn make_mut_bytes(&mut self) -> &mut [u8] {
            &mut self.rgb
        }
    }
}

/// Screen-sized pictures kept on disk (`<data_dir>/slide-cache`), so that a
/// loop decodes and scales each picture once, not every time it comes round:
/// that work was most of the loop's CPU. Each file is the raw RGB of one
/// picture at one screen size, named by a hash of its source (a file's path,
/// length and modification time; bundled bytes themselves) and the size. A
/// file that cannot be read or has the wrong length is decoded again; failing
/// to write costs only the saving. Public content only (the town's slides).
pub struct PixelCache {
    dir: PathBuf,
}

/// Files kept; the oldest go first (a loop rarely has more pictures).
const CACHE_FILES: usize = 24;
/// Bumped when the file's contents or the scaling change.
const CACHE_FORMAT: &[u8] = b"rgb8-v1";

impl PixelCache {
    pub fn new(dir: impl Into<PathBuf>) -> PixelCache {
        PixelCache { dir: dir.into() }
    }

    fn key(source: &SlideImage, width: u32, height: u32) -> Option<String> {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        hash.update(CACHE_FORMAT);
        hash.update(width.to_le_bytes());
        hash.update(height.to_le_bytes());
        match source {
            SlideImage::Bundled(bytes) => hash.update(bytes),
            SlideImage::Bytes(bytes) => hash.update(&bytes[..]),
            SlideImage::File(path) => {
                let meta = std::fs::metadata(path).ok()?;
                let modified = meta
                    .modified()
                    .ok()?
                    .duration_since(std::time::UNIX_EPOCH)
                    .ok()?;
                hash.update(path.to_string_lossy().as_bytes());
                hash.update(meta.len().to_le_bytes());
                hash.update(modified.as_nanos().to_le_bytes());
            }
        }
        Some(crate::sync::hex_of(&hash.finalize()))
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.rgb"))
    }

    fn load(&self, key: &str, width: u32, height: u32) -> Option<SharedPixelBuffer<Rgb8Pixel>> {
        let mut file = std::fs::File::open(self.path(key)).ok()?;
        let expected = 3 * u64::from(width) * u64::from(height);
        if file.metadata().ok()?.len() != expected {
            return None;
        }
        let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(width, height);
        file.read_exact(buffer.make_mut_bytes()).ok()?;
        Some(buffer)
    }

    fn store(&self, key: &str, pixels: &SharedPixelBuffer<Rgb8Pixel>) {
        if let Err(e) = self.try_store(key, pixels) {
            tracing::debug!(error = %e, "slide picture not cached");
        }
    }

    fn try_store(&self, key: &str, pixels: &SharedPixelBuffer<Rgb8Pixel>) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let tmp = self.dir.join(format!("{key}.tmp"));
        std::fs::write(&tmp, pixels.as_bytes())?;
        std::fs::rename(&tmp, self.path(key))?;
        prune(&self.dir, CACHE_FILES)
    }
}

/// Removes the oldest files of `dir` beyond `keep`.
fn prune(dir: &Path, keep: usize) -> std::io::Result<()> {
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    if files.len() <= keep {
        return Ok(());
    }
    files.sort();
    for (_, path) in &files[..files.len() - keep] {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}

type Job = (u64, usize, PlaylistSlide, u32, u32);

/// A background thread that prepares slides on request and hands each result,
/// with the caller's tag, to a callback (the UI sends it on to its event loop).
pub struct SlidePreparer {
    jobs: mpsc::Sender<Job>,
}

impl SlidePreparer {
    /// Prepared pictures are kept in `cache` between rounds of the loop, if given.
    pub fn spawn<F>(cache: Option<PixelCache>, on_ready: F) -> std::io::Result<SlidePreparer>
    where
        F: Fn(u64, usize, Result<PreparedSlide, SlideError>) + Send + 'static,
    {
        let (jobs, rx) = mpsc::channel::<Job>();
        thread::Builder::new()
            .name("promo-preparer".into())
            .spawn(move || {
                for (tag, index, slide, width, height) in rx {
                    let started = std::time::Instant::now();
                    // A bug triggered by odd content must cost one slide, not the thread.
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        prepare_slide_cached(&slide, width, height, cache.as_ref())
                    }))
                    .unwrap_or(Err(SlideError::Crashed));
                    let elapsed_ms = started.elapsed().as_millis() as u64;
                    match &result {
                        Ok(_) => tracing::debug!(index, elapsed_ms, "promo slide prepared"),
                        Err(e) => tracing::warn!(index, error = %e, "promo slide skipped"),
                    }
                    on_ready(tag, index, result);
                }
            })?;
        Ok(SlidePreparer { jobs })
    }

    /// Queues a slide; returns false if the thread is gone.
    pub fn request(
        &self,
        tag: u64,
        index: usize,
        slide: PlaylistSlide,
        width: u32,
        height: u32,
    ) -> bool {
        self.jobs.send((tag, index, slide, width, height)).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn image_slide(source: SlideImage) -> PlaylistSlide {
        PlaylistSlide {
            id: "t".into(),
            kind: SlideKind::Image(source),
            duration: Duration::from_secs(8),
        }
    }

    #[test]
    fn a_notice_picture_fits_its_box_with_its_shape_and_is_never_enlarged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wide.png");
        RgbImage::from_pixel(400, 100, image::Rgb([1, 2, 3]))
            .save(&path)
            .unwrap();
        let source = SlideImage::File(path);
        let fit = prepare_picture(&source, 200, 200).unwrap();
        assert_eq!((fit.width(), fit.height()), (200, 50));
        let small = prepare_picture(&source, 1000, 1000).unwrap();
        assert_eq!((small.width(), small.height()), (400, 100));
        let broken = dir.path().join("broken.png");
        std::fs::write(&broken, b"not a picture").unwrap();
        assert!(prepare_picture(&SlideImage::File(broken), 200, 200).is_err());
    }

    /// The pixels of an image slide prepared through `cache`.
    fn cached_picture(
        slide: &PlaylistSlide,
        size: (u32, u32),
        cache: &PixelCache,
    ) -> SharedPixelBuffer<Rgb8Pixel> {
        match prepare_slide_cached(slide, size.0, size.1, Some(cache)) {
            Ok(PreparedSlide::Image(pixels)) => pixels,
            other => panic!("an image slide, got {other:?}"),
        }
    }

    #[test]
    fn a_picture_is_decoded_once_then_read_from_the_cache_and_a_bad_file_is_decoded_again() {
        let dir = tempfile::tempdir().unwrap();
        let source_path = dir.path().join("slide.png");
        RgbImage::from_pixel(300, 200, image::Rgb([10, 20, 30]))
            .save(&source_path)
            .unwrap();
        let cache = PixelCache::new(dir.path().join("cache"));
        let slide = image_slide(SlideImage::File(source_path.clone()));
        let first = cached_picture(&slide, (150, 100), &cache);
        let files: Vec<_> = std::fs::read_dir(dir.path().join("cache"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        assert_eq!(std::fs::read(&files[0]).unwrap(), first.as_bytes());
        // What the loop shows next time is the cached file's pixels, not a new decode.
        std::fs::write(&files[0], vec![7u8; 150 * 100 * 3]).unwrap();
        let again = cached_picture(&slide, (150, 100), &cache);
        assert!(again.as_bytes().iter().all(|&b| b == 7));
        // A truncated file is not shown: the picture is decoded and cached again.
        std::fs::write(&files[0], [7u8; 10]).unwrap();
        let redone = cached_picture(&slide, (150, 100), &cache);
        assert_eq!(redone.as_bytes(), first.as_bytes());
        assert_eq!(std::fs::read(&files[0]).unwrap().len(), 150 * 100 * 3);
        // Another screen size or a changed source is another entry.
        cached_picture(&slide, (75, 50), &cache);
        RgbImage::from_pixel(300, 201, image::Rgb([1, 2, 3]))
            .save(&source_path)
            .unwrap();
        let changed = cached_picture(&slide, (150, 100), &cache);
        assert_eq!(&changed.as_bytes()[..3], &[1, 2, 3]);
        assert_eq!(
            std::fs::read_dir(dir.path().join("cache")).unwrap().count(),
            3
        );
    }

    #[test]
    fn the_cache_keeps_its_newest_files_only() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..30 {
            let path = dir.path().join(format!("{i:02}.rgb"));
            std::fs::write(&path, [0u8]).unwrap();
            let when = std::time::UNIX_EPOCH + Duration::from_secs(1_000_000 + i);
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(when)
                .unwrap();
        }
        prune(dir.path(), CACHE_FILES).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left.len(), CACHE_FILES);
        assert_eq!(left[0], "06.rgb");
    }

    #[test]
    fn image_is_scaled_to_cover_the_screen_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wide.png");
        // 300×200, left half red, right half blue.
        let img = RgbImage::from_fn(300, 200, |x, _| {
            if x < 150 {
                image::Rgb([255, 0, 0])
            } else {
                image::Rgb([0, 0, 255])
            }
        });
        img.save(&path).unwrap();
        let prepared = prepare_slide(&image_slide(SlideImage::File(path)), 200, 200).unwrap();
        let PreparedSlide::Image(buf) = prepared else {
            panic!("expected an image")
        };
        assert_eq!((buf.width(), buf.height()), (200, 200));
        let px = buf.as_slice();
        // Cover-crop keeps the middle: left edge red, right edge blue.
        assert_eq!((px[100 * 200].r, px[100 * 200].b), (255, 0));
        assert_eq!((px[100 * 200 + 199].r, px[100 * 200 + 199].b), (0, 255));
    }

    #[test]
    fn elongated_images_are_refused_and_odd_shapes_are_cropped_safely() {
        let dir = tempfile::tempdir().unwrap();
        let strip = dir.path().join("strip.png");
        RgbImage::new(8192, 1).save(&strip).unwrap();
        assert!(matches!(
            prepare_slide(&image_slide(SlideImage::File(strip)), 1920, 1080),
            Err(SlideError::Shape { .. })
        ));
        let tall = dir.path().join("tall.png");
        RgbImage::from_pixel(300, 2000, image::Rgb([9, 9, 9]))
            .save(&tall)
            .unwrap();
        let PreparedSlide::Image(buf) =
            prepare_slide(&image_slide(SlideImage::File(tall)), 1920, 1080).unwrap()
        else {
            panic!("expected an image")
        };
        assert_eq!((buf.width(), buf.height()), (1920, 1080));
        assert_eq!(
            buf.as_slice()[540 * 1920 + 960].r,
            9,
            "the picture in the middle"
        );
    }

    #[test]
    fn a_landscape_picture_on_a_portrait_panel_is_shown_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("landscape.png");
        // 1920×1080 with a red headline strip at the left edge and a blue one at the right.
        RgbImage::from_fn(1920, 1080, |x, _| match x {
            0..100 => image::Rgb([255, 0, 0]),
            1820.. => image::Rgb([0, 0, 255]),
            _ => image::Rgb([250, 250, 250]),
        })
        .save(&path)
        .unwrap();
        let PreparedSlide::Image(buf) =
            prepare_slide(&image_slide(SlideImage::File(path)), 720, 1280).unwrap()
        else {
            panic!("expected an image")
        };
        assert_eq!((buf.width(), buf.height()), (720, 1280));
        let px = |x: u32, y: u32| buf.as_slice()[(y * 720 + x) as usize];
        // Both edges of the picture are on screen, across the middle band.
        assert_eq!((px(5, 640).r, px(5, 640).b), (255, 0), "left edge kept");
        assert_eq!(
            (px(714, 640).r, px(714, 640).b),
            (0, 255),
            "right edge kept"
        );
        // Above and below it: the colour of its top and bottom edge (here the
        // average of red, white and blue), not a crop of the picture.
        let edge = px(360, 20);
        assert_eq!(edge, px(360, 1260));
        assert!(
            (230..245).contains(&edge.r) && (218..230).contains(&edge.g),
            "{edge:?}"
        );
    }

    #[test]
    fn a_corrupt_image_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("broken.jpg");
        std::fs::write(&path, b"\xff\xd8\xff\xe0 this is not really a jpeg").unwrap();
        assert!(prepare_slide(&image_slide(SlideImage::File(path)), 100, 100).is_err());
        let missing = SlideImage::File(dir.path().join("missing.png"));
        assert!(matches!(
            prepare_slide(&image_slide(missing), 100, 100),
            Err(SlideError::Read { .. })
        ));
        assert!(prepare_slide(&image_slide(SlideImage::Bundled(b"garbage")), 100, 100).is_err());
    }

    #[test]
    fn one_letter_words_are_tied_to_the_next_word() {
        assert_eq!(
            tie_short_words("Poplatky zaplatíte z mobilu a v klidu"),
            "Poplatky zaplatíte z\u{a0}mobilu a\u{a0}v\u{a0}klidu"
        );
        assert_eq!(tie_short_words("K úřadu"), "K\u{a0}úřadu");
        // Not inside words, not at the end.
        assert_eq!(tie_short_words("kaz a"), "kaz a");
    }

    #[test]
    fn qr_code_has_quiet_zone_and_dark_finder() {
        let buf = qr_code_image("https://obcan.litomerice.cz", 300).unwrap();
        assert_eq!(buf.width(), buf.height());
        let side = buf.width() as usize;
        let px = buf.as_slice();
        assert_eq!(px[0].r, 255, "quiet zone is white");
        // The top-left finder pattern starts right after the 4-module quiet zone.
        let scale = side
            / (qrcode::QrCode::new("https://obcan.litomerice.cz")
                .unwrap()
                .width()
                + 8);
        let at =
            |mx: usize, my: usize| px[(my * scale + scale / 2) * side + mx * scale + scale / 2].r;
        assert_eq!(at(4, 4), 0, "finder corner is dark");
        assert_eq!(at(5, 5), 255, "finder ring is light");
        assert_eq!(at(6, 6), 0, "finder centre is dark");
    }

    #[test]
    fn preparer_thread_answers_every_request() {
        let (tx, rx) = mpsc::channel();
        let preparer = SlidePreparer::spawn(None, move |_tag, i, r| {
            let _ = tx.send((i, r.is_ok()));
        })
        .unwrap();
        let text = PlaylistSlide {
            id: "t".into(),
            kind: SlideKind::Text {
                title: "A".into(),
                body: "B".into(),
                qr_url: Some("https://x.cz".into()),
            },
            duration: Duration::from_secs(8),
        };
        assert!(preparer.request(1, 3, text, 320, 240));
        assert!(preparer.request(1, 4, image_slide(SlideImage::Bundled(b"nope")), 320, 240));
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), (3, true));
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(10)).unwrap(),
            (4, false)
        );
    }
}
