//! The kiosk's flow as a state machine: which screen is shown, where Zpět and Domů
//! lead, when an idle kiosk goes back to the promotion loop, and what is reset then.
//!
//! It owns no sockets, files, threads or Slint types. Adapters feed it events with
//! the current monotonic time and carry out the commands it returns; every flow is
//! therefore tested with plain `#[test]`s and a fake clock. It must never hold
//! personal data beyond the (future) login session, and it forgets that session on
//! every return to the loop.

use std::time::Duration;

use crate::config::Mode;
use crate::i18n::Language;

/// Every screen the kiosk can show. Sections that are not built yet are real
/// screens that say so ("připravujeme"), never fakes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Screen {
    /// Full-screen promotion slides; a touch leads to [`Screen::Home`].
    Promo,
    Home,
    Services,
    Contacts,
    Elections,
    /// "Přihlásit se občankou": insert the eObčanka.
    Login,
    /// "Zaplatit poplatek": needs a login first.
    Payment,
    About,
}

impl Screen {
    /// Every screen, in the order the screenshot command renders them.
    pub const ALL: [Screen; 8] = [
        Screen::Promo,
        Screen::Home,
        Screen::Services,
        Screen::Contacts,
        Screen::Elections,
        Screen::Login,
        Screen::Payment,
        Screen::About,
    ];

    /// Stable machine name: used for screenshot file names and logs.
    pub fn name(self) -> &'static str {
        match self {
            Screen::Promo => "promo",
            Screen::Home => "home",
            Screen::Services => "services",
            Screen::Contacts => "contacts",
            Screen::Elections => "elections",
            Screen::Login => "login",
            Screen::Payment => "payment",
            Screen::About => "about",
        }
    }
}

/// Something that happened, as the core sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KioskEvent {
    /// Any touch anywhere (keeps the kiosk awake; on the loop, opens Home).
    Touch,
    /// A tile or link asked for a screen.
    Open(Screen),
    /// "Zpět".
    Back,
    /// "Domů".
    Home,
    ChooseLanguage(Language),
    ToggleLargeText,
    ToggleHighContrast,
    /// Periodic clock tick: lets the idle timer fire.
    Tick,
}

/// What the adapters must do. Screen, language and accessibility switches are
/// also in [`KioskView`]; commands say what *changed*, so adapters can start and
/// stop work (the promotion loop decodes images only while it is shown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    ShowScreen(Screen),
    StartPromo,
    StopPromo,
    ApplyLanguage(Language),
    /// Forget everything of the current user: view models, inputs and — once
    /// login exists — the session. This is the hook the login session hangs on.
    ForgetUser,
}

/// Per-site settings the core needs.
#[derive(Debug, Clone)]
pub struct KioskSettings {
    pub mode: Mode,
    pub idle_timeout: Duration,
    pub default_language: Language,
    pub languages: Vec<Language>,
}

/// Everything the UI shows that the core decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskView {
    pub screen: Screen,
    pub language: Language,
    pub large_text: bool,
    pub high_contrast: bool,
    /// Whether "Zpět" leads anywhere but Home.
    pub can_go_back: bool,
}

/// The state machine itself.
#[derive(Debug)]
pub struct Kiosk {
    settings: KioskSettings,
    screen: Screen,
    history: Vec<Screen>,
    language: Language,
    large_text: bool,
    high_contrast: bool,
    last_activity: Duration,
}

impl Kiosk {
    /// A kiosk at rest at time `now` (monotonic time since an arbitrary start).
    pub fn new(settings: KioskSettings, now: Duration) -> (Kiosk, Vec<Command>) {
        let screen = resting_screen(settings.mode);
        let kiosk = Kiosk {
            language: settings.default_language,
            settings,
            screen,
            history: Vec::new(),
            large_text: false,
            high_contrast: false,
            last_activity: now,
        };
        let mut commands = vec![
            Command::ApplyLanguage(kiosk.language),
            Command::ShowScreen(screen),
        ];
        if screen == Screen::Promo {
            commands.push(Command::StartPromo);
        }
        (kiosk, commands)
    }

    pub fn view(&self) -> KioskView {
        KioskView {
            screen: self.screen,
            language: self.language,
            large_text: self.large_text,
            high_contrast: self.high_contrast,
            can_go_back: !self.history.is_empty(),
        }
    }

    pub fn screen(&self) -> Screen {
        self.screen
    }

    pub fn settings(&self) -> &KioskSettings {
        &self.settings
    }

    /// When the idle timer will fire if nothing happens (None on the resting screen).
    pub fn idle_deadline(&self) -> Option<Duration> {
        (self.screen != resting_screen(self.settings.mode) || self.is_personalised())
            .then(|| self.last_activity + self.settings.idle_timeout)
    }

    fn is_personalised(&self) -> bool {
        self.language != self.settings.default_language || self.large_text || self.high_contrast
    }

    /// Feeds one event at time `now`; returns what the adapters must do.
    pub fn handle(&mut self, event: KioskEvent, now: Duration) -> Vec<Command> {
        if self.settings.mode == Mode::Signage {
            // Display-only: nothing a passer-by does changes the screen.
            return Vec::new();
        }
        if event != KioskEvent::Tick {
            self.last_activity = now;
        }
        match event {
            KioskEvent::Tick => match self.idle_deadline() {
                Some(deadline) if now >= deadline => self.return_to_rest(),
                _ => Vec::new(),
            },
            KioskEvent::Touch => {
                if self.screen == Screen::Promo {
                    self.go(Screen::Home, false)
                } else {
                    Vec::new()
                }
            }
            KioskEvent::Open(target) => {
                if target == self.screen || target == Screen::Promo {
                    return Vec::new();
                }
                if self.screen == Screen::Promo {
                    // A tile cannot be touched on the loop; treat it as the wake-up touch.
                    return self.go(Screen::Home, false);
                }
                let push = self.screen != Screen::Home || target != Screen::Home;
                self.go(target, push)
            }
            KioskEvent::Back => match self.history.pop() {
                Some(previous) => self.go(previous, false),
                None if self.screen != Screen::Home && self.screen != Screen::Promo => {
                    self.go(Screen::Home, false)
                }
                None => Vec::new(),
            },
            KioskEvent::Home => {
                self.history.clear();
                if self.screen == Screen::Home || self.screen == Screen::Promo {
                    Vec::new()
                } else {
                    self.go(Screen::Home, false)
                }
            }
            KioskEvent::ChooseLanguage(language) => {
                if language == self.language || !self.settings.languages.contains(&language) {
                    return Vec::new();
                }
                self.language = language;
                vec![Command::ApplyLanguage(language)]
            }
            KioskEvent::ToggleLargeText => {
                self.large_text = !self.large_text;
                Vec::new()
            }
            KioskEvent::ToggleHighContrast => {
                self.high_contrast = !self.high_contrast;
                Vec::new()
            }
        }
    }

    /// Moves to `target`; with `push`, the current screen is remembered for "Zpět".
    fn go(&mut self, target: Screen, push: bool) -> Vec<Command> {
        let mut commands = Vec::new();
        if push && self.screen != Screen::Promo {
            self.history.push(self.screen);
        }
        if target == Screen::Home {
            self.history.clear();
        }
        if self.screen == Screen::Promo && target != Screen::Promo {
            commands.push(Command::StopPromo);
        }
        self.screen = target;
        commands.push(Command::ShowScreen(target));
        commands
    }

    /// Idle: back to the loop (or Home at the counter), every personal choice reset.
    fn return_to_rest(&mut self) -> Vec<Command> {
        let rest = resting_screen(self.settings.mode);
        let mut commands = vec![Command::ForgetUser];
        self.history.clear();
        self.large_text = false;
        self.high_contrast = false;
        if self.language != self.settings.default_language {
            self.language = self.settings.default_language;
            commands.push(Command::ApplyLanguage(self.language));
        }
        if self.screen != rest {
            self.screen = rest;
            commands.push(Command::ShowScreen(rest));
            if rest == Screen::Promo {
                commands.push(Command::StartPromo);
            }
        }
        commands
    }
}

/// Where a kiosk of this mode rests when nobody uses it.
pub fn resting_screen(mode: Mode) -> Screen {
    match mode {
        Mode::Kiosk | Mode::Signage => Screen::Promo,
        Mode::Counter => Screen::Home,
    }
}

#[cfg(test)]
mod tests;
