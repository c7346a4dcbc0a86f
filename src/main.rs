//! `portal-kiosk`: the command line. Every command exits 0 on success and
//! non-zero with a one-line reason otherwise; nothing here panics on bad input.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use slint::ComponentHandle;

use portal_kiosk::config::{KioskConfig, Mode};
use portal_kiosk::i18n::Language;
use portal_kiosk::kiosk::{KioskSettings, SessionTimes};
use portal_kiosk::portal::PortalClient;
use portal_kiosk::portal::types::EventKind;
use portal_kiosk::promo::Playlist;
use portal_kiosk::store::Store;
use portal_kiosk::sync::{self, SyncEngine, SyncHandle, SyncSettings};
use portal_kiosk::ui::screenshot::{self, ScreenshotOptions, ThemeChoice};
use portal_kiosk::ui::{self, AppWindow, KioskIdentity, KioskUi, UiSetup, UiUpdate};
use portal_kiosk::{logging, ops};

#[derive(Parser)]
#[command(
    name = "portal-kiosk",
    version,
    about = "Self-service kiosk of the Litoměřice citizen portal"
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
    /// Run the whole kiosk on built-in demo content; no setup needed.
    Demo {
        #[arg(long, value_enum, default_value = "kiosk")]
        mode: ModeArg,
        /// Full screen instead of a window.
        #[arg(long)]
        fullscreen: bool,
        /// Window size, e.g. 1920x1080 or 1080x1920.
        #[arg(long, default_value = "1920x1080", value_parser = parse_size)]
        size: (u32, u32),
        /// Exit after this many seconds (benchmarks and smoke tests).
        #[arg(long)]
        exit_after: Option<f64>,
        /// `sim`: a simulated eObčanka inserted from an on-screen DEMO control;
        /// `reader`: the real PC/SC reader (with the PKCS#11 module of the config).
        #[arg(long, value_parser = ["sim", "reader"], default_value = "sim")]
        card: String,
        /// Whose simulated card (demo-jana, demo-josef, demo-tereza, demo-podnikatel).
        #[arg(long, default_value = "demo-jana")]
        citizen: String,
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
        #[arg(long, value_parser = ["test", "payment", "service"], default_value = "test")]
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
        /// Run one pass and exit (the only mode so far; the kiosk syncs by itself).
        #[arg(long)]
        once: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run the development portal (the backend side of the contract) until Ctrl-C.
    #[cfg(feature = "devtools")]
    DevPortal {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        #[arg(long)]
        db: PathBuf,
        /// Seed an empty database with the Litoměřice demo content.
        #[arg(long, value_parser = ["demo"])]
        seed: Option<String>,
    },
    /// Print the OpenAPI document of the kiosk API.
    #[cfg(feature = "devtools")]
    Openapi,
    /// Render every screen to DIR/<screen>.png headlessly (no display needed).
    Screenshot {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "cs")]
        lang: String,
        #[arg(long, value_enum, default_value = "standard")]
        theme: ThemeArg,
        /// Render with the larger-text switch on.
        #[arg(long)]
        large_text: bool,
        #[arg(long, default_value = "1920x1080", value_parser = parse_size)]
        size: (u32, u32),
    },
    /// Hash a staff PIN (6–12 digits, one line on standard input) for a
    /// `[[staff]]` entry of the credentials file (counter mode).
    StaffPinHash,
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    Kiosk,
    Signage,
    Counter,
}

#[derive(Clone, Copy, ValueEnum)]
enum ThemeArg {
    Standard,
    Contrast,
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text
        .split_once(['x', 'X'])
        .ok_or("expected WIDTHxHEIGHT, e.g. 1920x1080")?;
    let parse = |s: &str| {
        s.trim()
            .parse::<u32>()
            .map_err(|_| format!("`{s}` is not a whole number"))
    };
    let (w, h) = (parse(w)?, parse(h)?);
    if !(320..=7680).contains(&w) || !(320..=7680).contains(&h) {
        return Err("width and height must be 320 to 7680".into());
    }
    Ok((w, h))
}

fn main() -> ExitCode {
    ops::mark_process_start();
    let started = Instant::now();
    let cli = Cli::parse();
    let result = match cli.command {
        CliCommand::Run { config } => run(config, started),
        CliCommand::Demo {
            mode,
            fullscreen,
            size,
            exit_after,
            card,
            citizen,
        } => demo(mode, fullscreen, size, exit_after, started, &card, &citizen),
        CliCommand::CardInfo {
            reader,
            json,
            show_personal,
        } => card_info(reader.as_deref(), json, show_personal),
        CliCommand::CheckConfig { files } => check_config(&files),
        CliCommand::Sync { config, once, json } => sync_once(config, once, json),
        CliCommand::ReceiptDecode { file, json } => receipt_decode(&file, json),
        CliCommand::PrintTest {
            printer,
            profile,
            slip,
        } => print_test(&printer, &profile, &slip),
        #[cfg(feature = "devtools")]
        CliCommand::CardSim { vpcd, profile } => {
            portal_kiosk::card::testcards::load_profile(&profile).and_then(|profile| {
                portal_kiosk::card::vpicc::serve(&vpcd, profile).map_err(|e| e.to_string())
            })
        }
        CliCommand::Spayd {
            account,
            amount,
            vs,
            ss,
            ks,
            msg,
            qr_png,
        } => spayd(
            &account,
            &amount,
            vs.as_deref(),
            ss.as_deref(),
            ks.as_deref(),
            msg.as_deref(),
            qr_png.as_deref(),
        ),
        #[cfg(feature = "devtools")]
        CliCommand::DevPortal { listen, db, seed } => dev_portal(&listen, &db, seed.is_some()),
        #[cfg(feature = "devtools")]
        CliCommand::Openapi => {
            println!("{}", portal_kiosk::devportal::openapi_json());
            Ok(())
        }
        CliCommand::Screenshot {
            out,
            lang,
            theme,
            large_text,
            size,
        } => take_screenshots(out, &lang, theme, large_text, size),
        CliCommand::StaffPinHash => staff_pin_hash(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("portal-kiosk: {reason}");
            ExitCode::FAILURE
        }
    }
}

fn spayd(
    account: &str,
    amount: &str,
    vs: Option<&str>,
    ss: Option<&str>,
    ks: Option<&str>,
    msg: Option<&str>,
    qr_png: Option<&std::path::Path>,
) -> Result<(), String> {
    use portal_kiosk::payment::{Amount, PaymentRequest, QrMatrix};
    let build = || -> Result<PaymentRequest, portal_kiosk::payment::PaymentError> {
        let mut p = PaymentRequest::new(account)?.amount(Amount::parse(amount)?);
        if let Some(v) = vs {
            p = p.vs(v)?;
        }
        if let Some(v) = ss {
            p = p.ss(v)?;
        }
        if let Some(v) = ks {
            p = p.ks(v)?;
        }
        if let Some(m) = msg {
            p = p.message(m)?;
        }
        Ok(p)
    };
    let payment = build().map_err(|e| e.to_string())?;
    let text = payment.spayd();
    if let Some(path) = qr_png {
        let qr = QrMatrix::encode(&text).map_err(|e| format!("cannot make the QR code: {e}"))?;
        qr.to_image(8)
            .save(path)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!("{text}");
    Ok(())
}

fn print_test(uri: &str, profile_name: &str, which: &str) -> Result<(), String> {
    use portal_kiosk::payment::{Amount, CzechAccount};
    use portal_kiosk::receipt::{PaymentSlipData, PrinterUri, Slip, SlipHeader, printer, profile};
    let uri = PrinterUri::parse(uri).map_err(|e| e.to_string())?;
    let profile = profile(profile_name).ok_or_else(|| {
        format!(
            "unknown printer profile `{profile_name}`; expected one of {}",
            portal_kiosk::config::PRINTER_PROFILES.join(", ")
        )
    })?;
    let header = SlipHeader {
        kiosk_id: "lt-demo-01".into(),
        slip_number: 1,
        printed_at: chrono::Local::now().naive_local(),
    };
    let slip = match which {
        "payment" => {
            let account = CzechAccount::parse("19-4260107208/0100").map_err(|e| e.to_string())?;
            let amount = Amount::parse("800").map_err(|e| e.to_string())?;
            let data = PaymentSlipData {
                what: "Poplatek ze psů".into(),
                period: "2026".into(),
                amount,
                account,
                vs: Some("1234567890".into()),
                ss: None,
                ks: None,
                due: chrono::NaiveDate::from_ymd_opt(2026, 6, 30),
            };
            Slip::payment_instruction(&header, &data).map_err(|e| e.to_string())?
        }
        "service" => {
            let catalogue: portal_kiosk::portal::types::ServiceCatalogue =
                serde_json::from_str(include_str!("../assets/seed/services.json"))
                    .map_err(|e| e.to_string())?;
            let service = catalogue.services.first().ok_or("no demo service")?;
            Slip::service_information(&header, service, "https://obcan.litomerice.cz/")
        }
        _ => Slip::test_page(&header, profile),
    };
    let bytes = slip
        .encode(profile)
        .map_err(|e| format!("cannot encode the slip: {e}"))?;
    match printer::print(&uri, &bytes, &format!("print-test-{which}")) {
        Ok(done) => {
            println!("printed {} bytes; printer: {}", bytes.len(), done.after);
            Ok(())
        }
        Err(printer::PrinterError::NotReady(state)) => Err(format!("printer: {state}")),
        Err(e) => Err(e.to_string()),
    }
}

fn receipt_decode(file: &std::path::Path, json: bool) -> Result<(), String> {
    use portal_kiosk::receipt::{DecodedItem, decode};
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let receipt = decode(&bytes).map_err(|e| format!("{}: {e}", file.display()))?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&receipt).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    for item in &receipt.items {
        match item {
            DecodedItem::Line(l) => {
                let style = format!(
                    "{}{}{}",
                    if l.bold { "B" } else { " " },
                    if l.width > 1 || l.height > 1 {
                        "W"
                    } else {
                        " "
                    },
                    match l.align {
                        "centre" => "C",
                        "right" => "R",
                        _ => " ",
                    }
                );
                println!("{style} | {}", l.text);
            }
            DecodedItem::Qr { payload, native } => {
                println!(
                    "    | [QR{}] {payload}",
                    if *native { "" } else { " raster" }
                )
            }
            DecodedItem::Feed { lines } => println!("    | [FEED {lines}]"),
            DecodedItem::Cut => println!("    | [CUT]"),
        }
    }
    Ok(())
}

fn check_config(files: &[PathBuf]) -> Result<(), String> {
    let mut bad = 0;
    for file in files {
        match KioskConfig::load(file) {
            Ok(_) => println!("ok {}", file.display()),
            Err(errors) => {
                bad += 1;
                for e in &errors.0 {
                    println!("error {e}");
                }
            }
        }
    }
    if bad == 0 {
        Ok(())
    } else {
        Err(format!("{bad} of {} config files are invalid", files.len()))
    }
}

/// `card-info`: readers, and what is in them. Personal data (document number,
/// names from the certificate) is masked unless asked for.
fn card_info(pattern: Option<&str>, json: bool, show_personal: bool) -> Result<(), String> {
    use portal_kiosk::card::{CardKind, reader};
    let readers = reader::list_readers()?;
    let pattern = pattern.map(str::to_lowercase);
    let mask = |s: &str| -> String {
        if show_personal {
            s.to_string()
        } else {
            let n = s.chars().count();
            let tail: String = s.chars().skip(n.saturating_sub(2)).collect();
            format!("{}{tail}", "*".repeat(n.saturating_sub(2)))
        }
    };
    let mut out = Vec::new();
    for r in readers.iter().filter(|r| {
        pattern
            .as_ref()
            .is_none_or(|p| r.name.to_lowercase().contains(p))
    }) {
        let mut entry = serde_json::json!({ "reader": r.name, "cardPresent": r.card_present });
        if r.card_present {
            entry["atr"] = serde_json::json!(r.atr);
            match reader::read_card_in(&r.name) {
                Ok(CardKind::EObcanka(card)) => {
                    entry["eobcanka"] = serde_json::json!(true);
                    entry["documentNumber"] = serde_json::json!(mask(&card.document_number));
                    entry["iok"] = serde_json::json!({
                        "triesLeft": card.iok.tries_left,
                        "maxTries": card.iok.max_tries,
                        "blocked": card.iok.blocked,
                    });
                    let cert = card.long_certificate.as_deref();
                    entry["identificationCertificateReadable"] = serde_json::json!(cert.is_some());
                    if let Some(id) = cert.and_then(portal_kiosk::webeid::identity_of) {
                        entry["holder"] =
                            serde_json::json!(mask(&id.common_name.unwrap_or_default()));
                    }
                }
                Ok(CardKind::NotEObcanka) => entry["eobcanka"] = serde_json::json!(false),
                Err(e) => entry["error"] = serde_json::json!(e),
            }
        }
        out.push(entry);
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
        );
    } else if out.is_empty() {
        println!(
            "no card reader{}",
            if pattern.is_some() { " matches" } else { "" }
        );
    } else {
        for e in &out {
            println!("reader: {}", e["reader"].as_str().unwrap_or_default());
            if e["cardPresent"] != serde_json::json!(true) {
                println!("  no card");
                continue;
            }
            println!("  ATR: {}", e["atr"].as_str().unwrap_or_default());
            match e["eobcanka"].as_bool() {
                Some(true) => {
                    println!("  eObčanka: yes");
                    println!(
                        "  document number: {}",
                        e["documentNumber"].as_str().unwrap_or_default()
                    );
                    println!(
                        "  IOK: {} of {} tries left{}",
                        e["iok"]["triesLeft"],
                        e["iok"]["maxTries"],
                        if e["iok"]["blocked"] == serde_json::json!(true) {
                            " (BLOCKED)"
                        } else {
                            ""
                        }
                    );
                    if let Some(h) = e["holder"].as_str() {
                        println!("  holder: {h}");
                    }
                }
                Some(false) => println!("  eObčanka: no (another kind of card)"),
                None => println!("  error: {}", e["error"].as_str().unwrap_or_default()),
            }
        }
    }
    Ok(())
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("kiosk-rt")
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

fn run(path: PathBuf, started: Instant) -> Result<(), String> {
    let config = KioskConfig::load(&path).map_err(|e| format!("invalid config: {e}"))?;
    logging::init(&config.logging.level, config.logging.format);
    let rt = runtime()?;
    start_kiosk(
        &config,
        &rt,
        config.screen.fullscreen,
        config.screen.logical_size(),
        None,
        started,
        CardChoice::Reader,
    )
}

/// Where logins come from.
enum CardChoice {
    /// The PC/SC reader and PKCS#11 module of the config.
    Reader,
    /// The demo's simulated card of this citizen.
    #[cfg(feature = "devtools")]
    Simulated(&'static portal_kiosk::card::testcards::TestCitizen),
}

fn demo(
    mode: ModeArg,
    fullscreen: bool,
    size: (u32, u32),
    exit_after: Option<f64>,
    started: Instant,
    card: &str,
    citizen: &str,
) -> Result<(), String> {
    let mut config = KioskConfig::embedded_default()
        .map_err(|e| format!("the built-in demo config is invalid: {e}"))?;
    config.kiosk.mode = match mode {
        ModeArg::Kiosk => Mode::Kiosk,
        ModeArg::Signage => Mode::Signage,
        ModeArg::Counter => Mode::Counter,
    };
    logging::init(&config.logging.level, config.logging.format);
    let exit_after = match exit_after {
        Some(s) if s.is_finite() && s > 0.0 => Some(Duration::from_secs_f64(s)),
        Some(_) => return Err("--exit-after must be a positive number of seconds".into()),
        None => None,
    };
    let rt = runtime()?;
    let dir = DemoDir::new()?;
    // The embedded development portal plays the town's backend on loopback.
    #[cfg(feature = "devtools")]
    let _portal = {
        let embedded = rt
            .block_on(portal_kiosk::devportal::start_embedded(
                &dir.0.join("portal"),
            ))
            .map_err(|e| format!("cannot start the embedded development portal: {e}"))?;
        config.backend.url = embedded.portal.kiosk_api_url();
        config.backend.credentials_file = embedded.credentials_file.clone();
        embedded
    };
    config.storage.data_dir = dir.0.join("data");
    // Slips go to the preview printer: ESC/POS bytes, text and a picture per slip.
    config.printer.uri = format!("preview:{}", dir.0.join("slips").display());
    #[cfg(feature = "devtools")]
    let card = match card {
        "reader" => CardChoice::Reader,
        _ => CardChoice::Simulated(
            portal_kiosk::card::testcards::citizen(citizen)
                .ok_or_else(|| format!("no demo citizen {citizen}"))?,
        ),
    };
    #[cfg(not(feature = "devtools"))]
    let card = {
        let _ = (card, citizen);
        CardChoice::Reader
    };
    start_kiosk(&config, &rt, fullscreen, size, exit_after, started, card)
}

/// A temporary directory for a demo run, removed when the demo ends.
struct DemoDir(PathBuf);

impl DemoDir {
    fn new() -> Result<DemoDir, String> {
        let dir = std::env::temp_dir().join(format!("portal-kiosk-demo-{}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        Ok(DemoDir(dir))
    }
}

impl Drop for DemoDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The sync engine for this config, or why the kiosk runs without one.
fn sync_engine(config: &KioskConfig) -> Result<SyncEngine, String> {
    let store = Store::open_in(&config.storage.data_dir).map_err(|e| e.to_string())?;
    let client = PortalClient::from_config(&config.backend).map_err(|e| e.to_string())?;
    let settings = SyncSettings {
        kiosk_id: config.kiosk.id.clone(),
        assets_dir: config.storage.data_dir.join("assets"),
        asset_budget: config.sync.asset_budget_mb * 1024 * 1024,
        intervals: config.sync.intervals(),
    };
    Ok(SyncEngine::new(client, store, settings))
}

fn sync_once(path: PathBuf, _once: bool, json: bool) -> Result<(), String> {
    let config = KioskConfig::load(&path).map_err(|e| format!("invalid config: {e}"))?;
    logging::init(&config.logging.level, config.logging.format);
    let rt = runtime()?;
    let mut engine = sync_engine(&config)?;
    let report = rt.block_on(engine.pass());
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
        );
    } else {
        println!("{report}");
    }
    if report.all_ok() {
        Ok(())
    } else {
        Err("the sync pass had failures (see above)".into())
    }
}

#[cfg(feature = "devtools")]
fn dev_portal(listen: &str, db: &std::path::Path, seed: bool) -> Result<(), String> {
    logging::init("info", portal_kiosk::config::LogFormat::Auto);
    let rt = runtime()?;
    rt.block_on(async {
        let portal = portal_kiosk::devportal::start(listen, db, seed)
            .await
            .map_err(|e| e.to_string())?;
        println!("development portal: {}", portal.kiosk_api_url());
        println!("kiosk token: {}", portal_kiosk::devportal::DEMO_KIOSK_TOKEN);
        let _ = tokio::signal::ctrl_c().await;
        portal.stop().await;
        Ok(())
    })
}

fn start_kiosk(
    config: &KioskConfig,
    rt: &tokio::runtime::Runtime,
    fullscreen: bool,
    size: (u32, u32),
    exit_after: Option<Duration>,
    started: Instant,
    card: CardChoice,
) -> Result<(), String> {
    let default_duration = Duration::from_secs(config.promo.default_slide_seconds);
    let fallback = match &config.promo.playlist {
        Some(file) => Playlist::load(file, default_duration).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "local playlist unusable; playing the bundled demo slides");
            Playlist::demo(default_duration)
        }),
        None => Playlist::demo(default_duration),
    };
    let assets_dir = config.storage.data_dir.join("assets");
    let site_tags: Vec<String> = vec![
        config.kiosk.id.clone(),
        config.kiosk.mode.as_str().to_string(),
    ];
    let stale_after = Duration::from_secs(config.sync.stale_after_minutes * 60);

    // What the store already has plays at once, even with no network.
    let engine = match sync_engine(config) {
        Ok(engine) => Some(engine),
        Err(reason) => {
            tracing::error!(%reason, "running without backend sync; showing the bundled content");
            None
        }
    };
    let first = engine.as_ref().and_then(sync::runner::snapshot);
    let tags: Vec<&str> = site_tags.iter().map(String::as_str).collect();
    let first_updates = first
        .as_ref()
        .map(|s| ui::updates_from_snapshot(s, &assets_dir, &tags, stale_after, &fallback))
        .unwrap_or_default();
    let playlist = first_updates
        .iter()
        .find_map(|u| match u {
            UiUpdate::Playlist { playlist, .. } => Some(playlist.clone()),
            _ => None,
        })
        .unwrap_or_else(|| fallback.clone());

    #[cfg(feature = "devtools")]
    let demo = matches!(card, CardChoice::Simulated(_));
    let login = login_backend(config, rt, card);
    let kiosk_ui_and_app = start_ui(config, playlist, size, fullscreen, login)?;
    let (app, kiosk_ui) = &kiosk_ui_and_app;
    #[cfg(feature = "devtools")]
    if demo && config.kiosk.mode == Mode::Counter {
        use slint::ComponentHandle;
        app.global::<ui::Staff>()
            .set_demo_pin(portal_kiosk::devportal::DEMO_STAFF_PIN.into());
    }
    for update in first_updates
        .into_iter()
        .filter(|u| matches!(u, UiUpdate::DataAge { .. } | UiUpdate::Contacts(_)))
    {
        kiosk_ui.updates().send(update);
    }

    let (handle, commands) = SyncHandle::new();
    if let Some(engine) = engine {
        let updates = kiosk_ui.updates();
        let fallback = fallback.clone();
        rt.spawn(sync::runner::run(engine, commands, move |snapshot| {
            let tags: Vec<&str> = site_tags.iter().map(String::as_str).collect();
            for update in
                ui::updates_from_snapshot(&snapshot, &assets_dir, &tags, stale_after, &fallback)
            {
                updates.send(update);
            }
        }));
        let now = handle.clone();
        kiosk_ui.on_sync_now(move || now.sync_now());
        let plays = handle.clone();
        kiosk_ui.on_play(move |slide| {
            plays.enqueue(
                EventKind::ProofOfPlay,
                serde_json::json!({ "slideId": slide.id, "seconds": slide.duration.as_secs() }),
            );
        });
    }

    // Readiness and first-frame timing: the first frame is drawn once the loop runs.
    let ready = slint::Timer::default();
    let mode = config.kiosk.mode.as_str();
    ready.start(slint::TimerMode::SingleShot, Duration::ZERO, move || {
        tracing::info!(
            mode,
            startup_ms = started.elapsed().as_millis() as u64,
            "kiosk window up"
        );
        ops::notify_ready("showing the kiosk");
    });
    let watchdog = slint::Timer::default();
    if let Some(interval) = ops::watchdog_interval() {
        watchdog.start(slint::TimerMode::Repeated, interval, ops::pet_watchdog);
    }
    let probe = ops::StallProbe::from_env();
    let quit = slint::Timer::default();
    if let Some(after) = exit_after {
        quit.start(slint::TimerMode::SingleShot, after, || {
            let _ = slint::quit_event_loop();
        });
    }
    let result = app
        .run()
        .map_err(|e| format!("the kiosk window failed: {e}"));
    ops::notify_stopping();
    if let Some(probe) = probe {
        tracing::info!(
            worst_stall_ms = probe.worst().as_secs_f64() * 1000.0,
            "UI thread stall probe, final"
        );
    }
    handle.shutdown();
    drop(kiosk_ui_and_app);
    result
}

/// The login's adapters for this config; none in signage mode or with the reader off.
fn login_backend(
    config: &KioskConfig,
    rt: &tokio::runtime::Runtime,
    card: CardChoice,
) -> portal_kiosk::login::Adapters {
    use portal_kiosk::login::{Adapters, CardLogin, CardSource};
    let counter = config.kiosk.mode == Mode::Counter;
    if config.kiosk.mode == Mode::Signage || (!config.card_reader.enabled && !counter) {
        return Adapters::none();
    }
    let client = match PortalClient::from_config(&config.backend) {
        Ok(c) => std::sync::Arc::new(c),
        Err(e) => {
            tracing::error!(error = %e, "card login disabled: no backend client");
            return Adapters::none();
        }
    };
    let (signer, source): (Box<dyn portal_kiosk::card::Signer>, CardSource) = match card {
        // A counter without a reader still has its staff logins.
        _ if counter && !config.card_reader.enabled => (
            Box::new(portal_kiosk::card::Pkcs11Signer::new(
                &config.card_reader.pkcs11_module,
            )),
            CardSource::Off,
        ),
        // The demo counter has no simulated card: the reader shows as not set up.
        #[cfg(feature = "devtools")]
        CardChoice::Simulated(_) if counter => (
            Box::new(portal_kiosk::card::Pkcs11Signer::new(
                &config.card_reader.pkcs11_module,
            )),
            CardSource::Off,
        ),
        CardChoice::Reader => (
            Box::new(portal_kiosk::card::Pkcs11Signer::new(
                &config.card_reader.pkcs11_module,
            )),
            CardSource::Pcsc {
                pattern: config.card_reader.name_pattern.clone(),
            },
        ),
        #[cfg(feature = "devtools")]
        CardChoice::Simulated(citizen) => {
            let card = portal_kiosk::card::demo::DemoCard::new(citizen);
            (Box::new(card.signer()), CardSource::Demo(card))
        }
    };
    match CardLogin::new(rt.handle().clone(), client, signer, source) {
        Ok(login) if counter => {
            match portal_kiosk::staff::StaffPins::from_credentials(&config.backend.credentials_file)
            {
                Ok(pins) => login.with_staff(pins).into_adapters(),
                Err(e) => {
                    // The counter still starts; its login says the service failed.
                    tracing::error!(error = %e, "counter: no staff can log in");
                    login.into_adapters()
                }
            }
        }
        Ok(login) => login.into_adapters(),
        Err(e) => {
            tracing::error!(error = %e, "card login disabled");
            Adapters::none()
        }
    }
}

/// The printer thread for this config; none in signage mode or with the printer off.
fn print_service(config: &KioskConfig) -> Option<portal_kiosk::printing::PrintService> {
    use portal_kiosk::receipt::{printer::PrinterUri, profiles};
    if config.kiosk.mode == Mode::Signage || !config.printer.enabled {
        return None;
    }
    let uri = match PrinterUri::parse(&config.printer.uri) {
        Ok(u) => u,
        Err(e) => {
            tracing::error!(error = %e, "printing disabled");
            return None;
        }
    };
    let profile = profiles::profile(&config.printer.profile)?;
    portal_kiosk::printing::PrintService::start(
        uri,
        profile,
        config.kiosk.id.clone(),
        config.storage.data_dir.clone(),
    )
    .map_err(|e| tracing::error!(error = %e, "cannot start the printer thread"))
    .ok()
}

fn start_ui(
    config: &KioskConfig,
    playlist: Playlist,
    size: (u32, u32),
    fullscreen: bool,
    adapters: portal_kiosk::login::Adapters,
) -> Result<(AppWindow, KioskUi), String> {
    if config.screen.rotation != 0 && std::env::var_os("SLINT_KMS_ROTATION").is_none() {
        // Honoured by the linuxkms backend; under X11/Wayland the compositor rotates.
        // SAFETY: no other thread reads the environment while the window is created.
        unsafe { std::env::set_var("SLINT_KMS_ROTATION", config.screen.rotation.to_string()) };
    }
    let app = AppWindow::new().map_err(|e| format!("cannot open the kiosk window: {e}"))?;
    if fullscreen {
        app.window().set_fullscreen(true);
    } else {
        app.window()
            .set_size(slint::LogicalSize::new(size.0 as f32, size.1 as f32));
    }
    let settings = KioskSettings {
        mode: config.kiosk.mode,
        idle_timeout: config.idle.anonymous(),
        default_language: config.languages.default,
        languages: config.languages.available.clone(),
        session: SessionTimes {
            idle: Duration::from_secs(config.idle.session_seconds),
            warning: Duration::from_secs(config.idle.warning_seconds),
            logged_out: Duration::from_secs(config.idle.logged_out_seconds),
        },
    };
    let setup = UiSetup {
        settings,
        identity: KioskIdentity::new(&config.kiosk.id, &config.kiosk.site)
            .with_printer_profile(&config.printer.profile),
        playlist,
        screen_size: size,
        fade: Duration::from_millis(config.promo.transition_ms),
        clock: ui::system_clock(),
        adapters,
        printer: print_service(config),
    };
    let kiosk_ui = KioskUi::attach(&app, setup);
    Ok((app, kiosk_ui))
}

fn take_screenshots(
    out: PathBuf,
    lang: &str,
    theme: ThemeArg,
    large_text: bool,
    size: (u32, u32),
) -> Result<(), String> {
    let language = Language::from_code(lang)
        .ok_or_else(|| format!("unknown language `{lang}`; expected cs, en, de or uk"))?;
    screenshot::init_headless().map_err(|e| e.to_string())?;
    let options = ScreenshotOptions {
        language,
        theme: match theme {
            ThemeArg::Standard => ThemeChoice::Standard,
            ThemeArg::Contrast => ThemeChoice::Contrast,
        },
        large_text,
        width: size.0,
        height: size.1,
    };
    let shots = screenshot::render_all(&options).map_err(|e| e.to_string())?;
    let written = screenshot::write_pngs(&shots, &out).map_err(|e| e.to_string())?;
    for path in written {
        println!("{}", path.display());
    }
    Ok(())
}

/// `staff-pin-hash`: reads a staff PIN from stdin (not echoed on a terminal)
/// and prints its argon2id hash, the `pin_hash` of a `[[staff]]` entry:
///
/// ```toml
/// [[staff]]
/// name = "Přepážka 1"
/// pin_hash = "$argon2id$v=19$m=65536,t=3,p=1$…"
/// ```
fn staff_pin_hash() -> Result<(), String> {
    let pin = portal_kiosk::staff::read_pin_from_stdin()?;
    println!("{}", portal_kiosk::staff::hash_pin(&pin)?);
    Ok(())
}
