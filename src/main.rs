//! `portal-kiosk`: the command line. This file only parses the arguments and
//! dispatches to a command in `cli/`; building a kiosk is `portal_kiosk::app`'s.
//! Every command exits 0 on success and non-zero with a one-line reason
//! otherwise; nothing here panics on bad input.
//!
//! Without the `devtools` feature (a production build) the commands `demo`,
//! `card-sim`, `dev-portal`, `openapi` and `screenshot` do not exist.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use portal_kiosk::ops;

#[derive(Parser)]
#[command(
    name = "portal-kiosk",
    version,
    about = "Self-service kiosk of a Czech town's citizen portal (Portál občana)"
)]
struct Cli {
    #[command(subcommand)]
    command: CliCommand,
}

#[derive(Subcommand)]
enum CliCommand {
    /// Run the kiosk with a site's configuration (the production entry).
    Run {
        #[arg(long)]
        config: PathBuf,
    },
    /// The systemd unit's entry: start the kiosk compositor (cage), rotated as
    /// the config's `screen.rotation` says, with `run --config FILE` inside.
    Session {
        #[arg(long)]
        config: PathBuf,
        /// The compositor program.
        #[arg(long, default_value = "/usr/bin/cage")]
        compositor: String,
    },
    /// Run the whole kiosk on built-in demo content; no setup needed.
    #[cfg(feature = "devtools")]
    Demo {
        #[arg(long, value_enum, default_value = "kiosk")]
        mode: cli::demo::ModeArg,
        /// Full screen instead of a window.
        #[arg(long)]
        fullscreen: bool,
        /// Window size, e.g. 1920x1080 or 1080x1920.
        #[arg(long, default_value = "1920x1080", value_parser = cli::parse_size)]
        size: (u32, u32),
        /// Exit after this many seconds (benchmarks and smoke tests).
        #[arg(long)]
        exit_after: Option<f64>,
        /// `sim`: a simulated eObčanka inserted from an on-screen DEMO control;
        /// `reader`: the real PC/SC reader (with the PKCS#11 module of the config).
        #[arg(long, value_parser = ["sim", "reader"], default_value = "sim")]
        card: String,
        /// Whose simulated card (demo-jana, demo-josef, demo-tereza, demo-podnikatel),
        /// and who the demo's phone approves a phone login for.
        #[arg(long, default_value = "demo-jana")]
        citizen: String,
        /// Another town: a directory with its site config `kiosk.toml` (its
        /// [town] and [languages]), `seed/` and `promo/` — e.g.
        /// examples/horni-javori. Default: Litoměřice (the built-in seed).
        #[arg(long)]
        town: Option<PathBuf>,
    },
    /// List the card readers and read the card in one: ATR, eObčanka or not,
    /// document number, IOK tries. Personal data masked unless --show-personal.
    CardInfo {
        /// Part of the reader's name; default: every reader.
        #[arg(long)]
        reader: Option<String>,
        #[arg(long)]
        json: bool,
        #[arg(long)]
        show_personal: bool,
    },
    /// Validate config files: prints `ok FILE` or every error with its place.
    CheckConfig {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Check each FILE as if it were installed in DIR: relative paths in
        /// it (town.logo) are taken from DIR — for a copy checked before it is
        /// installed (Ansible's `validate`).
        #[arg(long, value_name = "DIR")]
        installed_in: Option<PathBuf>,
    },
    /// Print the SPAYD ("QR Platba") string of a payment; optionally its QR code as PNG.
    Spayd {
        /// `[prefix-]number/bank` or an IBAN.
        #[arg(long)]
        account: String,
        /// In CZK, e.g. 450 or 450.50.
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        #[arg(long)]
        vs: Option<String>,
        #[arg(long)]
        ss: Option<String>,
        #[arg(long)]
        ks: Option<String>,
        /// Message for the payee (simplified to upper-case ASCII, at most 60 characters).
        #[arg(long)]
        msg: Option<String>,
        #[arg(long)]
        qr_png: Option<PathBuf>,
    },
    /// Print a slip with demo content; exit 1 with the printer's state in words if it cannot.
    PrintTest {
        /// file:/dev/usb/lp0, tcp://host:9100, serial:/dev/ttyUSB0?baud=19200 or preview:DIR
        #[arg(long)]
        printer: String,
        #[arg(long, default_value = "epson-tm-t20")]
        profile: String,
        #[arg(long, value_parser = ["test", "payment", "service", "notice", "polling-place"], default_value = "test")]
        slip: String,
    },
    /// Insert a simulated eObčanka into pcscd's virtual reader (vsmartcard vpcd).
    #[cfg(feature = "devtools")]
    CardSim {
        /// Where vpcd listens for a card, e.g. 127.0.0.1:35963.
        #[arg(long, default_value = "127.0.0.1:35963")]
        vpcd: String,
        /// valid, blocked, bank-card, a demo citizen id (demo-jana…), or a
        /// profile file (assets/cards/*.toml).
        #[arg(long, default_value = "valid")]
        profile: String,
    },
    /// Decode ESC/POS bytes (a slip sent to a printer): text, styles, QR payloads, cuts.
    ReceiptDecode {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// One sync pass against the backend: prints what was fetched, not modified or failed.
    Sync {
        #[arg(long)]
        config: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run the development portal (the backend side of the contract) until Ctrl-C.
    #[cfg(feature = "devtools")]
    DevPortal {
        /// Address to listen on; loopback unless --allow-remote.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        #[arg(long)]
        db: PathBuf,
        /// Seed an empty database with demo content (Litoměřice's, or --town's).
        #[arg(long, value_parser = ["demo"])]
        seed: Option<String>,
        /// Another town: a directory with its site config `kiosk.toml` (its
        /// [town] and [languages]), `seed/` and `promo/` — e.g.
        /// examples/horni-javori. Default: Litoměřice (the built-in seed).
        #[arg(long)]
        town: Option<PathBuf>,

        /// Listen on a non-loopback address (plain HTTP: a test lab only).
        #[arg(long)]
        allow_remote: bool,
        /// Sign playlists with the Ed25519 key in FILE (base64 of the 32-byte
        /// seed); a FILE that does not exist is created with a new key.
        /// Without it, the key kept in the database (made on its first
        /// start). The public key is printed.
        #[arg(long)]
        promo_key: Option<PathBuf>,
    },
    /// Print the OpenAPI document of the kiosk API.
    #[cfg(feature = "devtools")]
    Openapi,
    /// Render every screen to DIR/<screen>.png headlessly (no display needed).
    #[cfg(feature = "devtools")]
    Screenshot {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "cs")]
        lang: String,
        #[arg(long, value_enum, default_value = "standard")]
        theme: cli::screenshot::ThemeArg,
        /// Render with the larger-text switch on.
        #[arg(long)]
        large_text: bool,
        #[arg(long, default_value = "1920x1080", value_parser = cli::parse_size)]
        size: (u32, u32),
        /// Another town: a directory with its site config `kiosk.toml` (its
        /// [town] and [languages]), `seed/` and `promo/` — e.g.
        /// examples/horni-javori. Default: Litoměřice (the built-in seed).
        #[arg(long)]
        town: Option<PathBuf>,
    },
    /// The promotion playlist: check its signature, or show what plays when.
    Playlist {
        #[command(subcommand)]
        command: PlaylistCommand,
    },
    /// The town's úřední deska in the OFN format (Úřední desky, JSON-LD).
    NoticeBoard {
        #[command(subcommand)]
        command: NoticeBoardCommand,
    },
    /// Hash a staff PIN (6–12 digits, one line on standard input) for the
    /// backend's staff records (counter mode: the backend checks staff PINs).
    StaffPinHash,
    /// Say TEXT as "Číst nahlas" would, into a WAV file (the kiosk's own
    /// engine and voices: espeak-ng).
    Say {
        /// The voice: cs, en, de or uk.
        #[arg(long, default_value = "cs")]
        lang: String,
        /// The WAV file to write.
        #[arg(long)]
        out: PathBuf,
        /// The volume step, 1–10 (7: the synthesizer's own level).
        #[arg(long, default_value_t = 7)]
        volume: u8,
        /// Use this site config's `[speech]` (synthesizer, rate).
        #[arg(long)]
        config: Option<PathBuf>,
        /// What to say.
        #[arg(required = true)]
        text: Vec<String>,
    },
}

#[derive(Subcommand)]
enum PlaylistCommand {
    /// Check a playlist file (JSON as `GET /kiosk/v1/promo` serves it) as a
    /// kiosk would: exit 0 if it is signed by one of the keys, else 1.
    Verify {
        file: PathBuf,
        /// A public key, base64 of 32 bytes, or @FILE holding one; repeat
        /// for several (key rotation).
        #[arg(long = "key", required = true)]
        keys: Vec<String>,
    },
    /// Print what plays when at a site, one line per change, between two
    /// Europe/Prague wall-clock times (YYYY-MM-DDTHH:MM).
    Simulate {
        /// A site tag: the kiosk's id or its mode; repeat for several.
        #[arg(long = "site", required = true)]
        sites: Vec<String>,
        #[arg(long, value_parser = cli::playlist::parse_local)]
        from: chrono::NaiveDateTime,
        #[arg(long, value_parser = cli::playlist::parse_local)]
        to: chrono::NaiveDateTime,
        /// A playlist file (JSON as the backend serves it) …
        #[arg(long, conflicts_with = "config", required_unless_present = "config")]
        file: Option<PathBuf>,
        /// … or the playlist stored by the kiosk with this config.
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum NoticeBoardCommand {
    /// Read a board file or URL as the kiosk would: how many notices are
    /// current, expired and refused, with the reason for each refused one;
    /// exit 1 if it is not a board the kiosk would take.
    Check {
        /// A board file (JSON-LD) or the https URL of a town's board.
        source: String,
        /// Count as on this day (YYYY-MM-DD) instead of today.
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
        /// The size limit, bytes (the kiosk's notice_board.max_bytes).
        #[arg(long, default_value_t = portal_kiosk::noticeboard::DEFAULT_MAX_BYTES)]
        max_bytes: u64,
    },
}

fn main() -> ExitCode {
    ops::mark_process_start();
    ops::return_large_blocks();
    let started = Instant::now();
    let cli = Cli::parse();
    let result = match cli.command {
        CliCommand::Run { config } => cli::run::run(config, started),
        CliCommand::Session { config, compositor } => cli::session::session(config, &compositor),
        #[cfg(feature = "devtools")]
        CliCommand::Demo {
            mode,
            fullscreen,
            size,
            exit_after,
            card,
            citizen,
            town,
        } => cli::demo::demo(
            cli::demo::DemoArgs {
                mode,
                fullscreen,
                size,
                exit_after,
                card,
                citizen,
                town,
            },
            started,
        ),
        CliCommand::CardInfo {
            reader,
            json,
            show_personal,
        } => cli::card::card_info(reader.as_deref(), json, show_personal),
        CliCommand::CheckConfig {
            files,
            installed_in,
        } => cli::config::check_config(&files, installed_in.as_deref()),
        CliCommand::Sync { config, json } => cli::sync::sync_once(config, json),
        CliCommand::ReceiptDecode { file, json } => cli::receipt::receipt_decode(&file, json),
        CliCommand::PrintTest {
            printer,
            profile,
            slip,
        } => cli::receipt::print_test(&printer, &profile, &slip),
        #[cfg(feature = "devtools")]
        CliCommand::CardSim { vpcd, profile } => cli::card::card_sim(&vpcd, &profile),
        CliCommand::Spayd {
            account,
            amount,
            vs,
            ss,
            ks,
            msg,
            qr_png,
        } => cli::payment::spayd(
            &account,
            &amount,
            vs.as_deref(),
            ss.as_deref(),
            ks.as_deref(),
            msg.as_deref(),
            qr_png.as_deref(),
        ),
        #[cfg(feature = "devtools")]
        CliCommand::DevPortal {
            listen,
            db,
            seed,
            allow_remote,
            promo_key,
            town,
        } => cli::devportal::dev_portal(
            &listen,
            &db,
            seed.is_some(),
            allow_remote,
            promo_key.as_deref(),
            town.as_deref(),
        ),
        #[cfg(feature = "devtools")]
        CliCommand::Openapi => cli::devportal::openapi(),
        #[cfg(feature = "devtools")]
        CliCommand::Screenshot {
            out,
            lang,
            theme,
            large_text,
            size,
            town,
        } => {
            cli::screenshot::take_screenshots(out, &lang, theme, large_text, size, town.as_deref())
        }
        CliCommand::StaffPinHash => cli::staff::staff_pin_hash(),
        CliCommand::Say {
            lang,
            out,
            volume,
            config,
            text,
        } => cli::speech::say(&lang, &out, volume, config, &text),
        CliCommand::Playlist {
            command: PlaylistCommand::Verify { file, keys },
        } => cli::playlist::verify(&file, &keys),
        CliCommand::Playlist {
            command:
                PlaylistCommand::Simulate {
                    sites,
                    from,
                    to,
                    file,
                    config,
                },
        } => {
            let source = match (file, config) {
                (Some(file), _) => cli::playlist::Source::File(file),
                (None, Some(config)) => cli::playlist::Source::Config(config),
                (None, None) => {
                    eprintln!("portal-kiosk: give --file or --config");
                    return ExitCode::FAILURE;
                }
            };
            cli::playlist::simulate(source, &sites, from, to)
        }
        CliCommand::NoticeBoard {
            command:
                NoticeBoardCommand::Check {
                    source,
                    today,
                    max_bytes,
                },
        } => cli::noticeboard::check(&source, today, max_bytes),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("portal-kiosk: {reason}");
            ExitCode::FAILURE
        }
    }
}
