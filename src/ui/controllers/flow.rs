//! The `Flow` global (screen, language, Zpět/Domů, identity) and the `Theme`
//! switches.

use std::cell::RefCell;
use std::rc::Rc;

use slint::ComponentHandle;

use super::{on, on_arg};
use crate::i18n::Language;
use crate::kiosk::{KioskEvent, KioskView, Screen, VolumeStep};
use crate::ui::{AppWindow, Flow, Inner, KioskIdentity, Lang, ScreenId, Theme, Town};

pub(in crate::ui) fn bind(app: &AppWindow, inner: &Rc<RefCell<Inner>>) {
    let flow = app.global::<Flow>();
    flow.on_touch(on(inner, KioskEvent::Touch));
    flow.on_back(on(inner, KioskEvent::Back));
    flow.on_home(on(inner, KioskEvent::Home));
    flow.on_toggle_large_text(on(inner, KioskEvent::ToggleLargeText));
    flow.on_toggle_contrast(on(inner, KioskEvent::ToggleHighContrast));
    flow.on_read_aloud(on(inner, KioskEvent::ReadAloud));
    flow.on_change_volume(on_arg(inner, |step: i32| {
        Some(KioskEvent::Volume(if step < 0 {
            VolumeStep::Quieter
        } else {
            VolumeStep::Louder
        }))
    }));
    flow.on_open(on_arg(inner, |id| {
        Some(KioskEvent::Open(screen_from_id(id)))
    }));
    flow.on_choose_language(on_arg(inner, |lang| {
        Some(KioskEvent::ChooseLanguage(language(lang)))
    }));
}

pub(in crate::ui) fn apply(app: &AppWindow, view: &KioskView) {
    let flow = app.global::<Flow>();
    flow.set_screen(screen_id(view.screen));
    flow.set_language(lang(view.language));
    flow.set_can_go_back(view.can_go_back);
    flow.set_speech_available(view.speech.available);
    flow.set_speaking(view.speech.speaking);
    flow.set_volume(i32::from(view.speech.volume));
    let theme = app.global::<Theme>();
    theme.set_large_text(view.large_text);
    theme.set_high_contrast(view.high_contrast);
}

/// Sets the static facts: offered languages and the About screen's identity.
pub fn apply_identity(app: &AppWindow, identity: &KioskIdentity, languages: &[Language]) {
    let flow = app.global::<Flow>();
    flow.set_languages(super::model(languages.iter().copied().map(lang).collect()));
    flow.set_version(identity.version.clone().into());
    flow.set_kiosk_id(identity.kiosk_id.clone().into());
    flow.set_site_name(identity.site_name.clone().into());
    apply_town(app, &identity.town);
}

/// The town's names, logo and colours into the `Town` global (white-label).
/// A logo that cannot be shown is left out (a kiosk in service had it checked
/// by its config; the demo and the tests may have none).
pub fn apply_town(app: &AppWindow, town: &crate::town::TownSection) {
    let g = app.global::<Town>();
    g.set_name(town.name.clone().into());
    g.set_municipality(town.municipality.clone().into());
    g.set_portal_name(town.portal_name.clone().into());
    g.set_web(town.web.clone().into());
    g.set_phone(town.phone.clone().into());
    g.set_support_email(town.support_email.clone().into());
    g.set_address(town.address.clone().into());
    let logo = if town.logo.as_os_str().is_empty() {
        None
    } else {
        crate::town::load_logo(&town.logo)
            .inspect_err(|e| tracing::warn!(error = %e, "the town's logo is not shown"))
            .ok()
    };
    g.set_has_logo(logo.is_some());
    if let Some(logo) = logo {
        let buffer = slint::SharedPixelBuffer::<slint::Rgba8Pixel>::clone_from_slice(
            &logo.rgba,
            logo.width,
            logo.height,
        );
        g.set_logo(slint::Image::from_rgba8(buffer));
    }
    if let Some(palette) = town.colors.palette() {
        let colour = |c: crate::town::Rgb| slint::Color::from_rgb_u8(c.0, c.1, c.2);
        let derived = palette.derived();
        g.set_primary(colour(palette.primary));
        g.set_primary_dark(colour(palette.primary_dark));
        g.set_stripe(colour(palette.stripe));
        g.set_highlight(colour(palette.highlight));
        g.set_bar_button(colour(derived.bar_button));
        g.set_on_bar_disabled(colour(derived.on_bar_disabled));
        g.set_tint(colour(derived.tint));
    }
}

pub fn lang(language: Language) -> Lang {
    match language {
        Language::Cs => Lang::Cs,
        Language::En => Lang::En,
        Language::De => Lang::De,
        Language::Uk => Lang::Uk,
    }
}

fn language(lang: Lang) -> Language {
    match lang {
        Lang::Cs => Language::Cs,
        Lang::En => Language::En,
        Lang::De => Language::De,
        Lang::Uk => Language::Uk,
    }
}

pub fn screen_id(screen: Screen) -> ScreenId {
    match screen {
        Screen::Promo => ScreenId::Promo,
        Screen::Home => ScreenId::Home,
        Screen::Services => ScreenId::Services,
        Screen::Contacts => ScreenId::Contacts,
        Screen::Elections => ScreenId::Elections,
        Screen::Login => ScreenId::Login,
        Screen::Payment => ScreenId::Payment,
        Screen::About => ScreenId::About,
        Screen::Dashboard => ScreenId::Dashboard,
        Screen::LoggedOut => ScreenId::LoggedOut,
        Screen::Obligations => ScreenId::Obligations,
        Screen::Pay => ScreenId::Pay,
        Screen::Submissions => ScreenId::Submissions,
        Screen::Watchdog => ScreenId::Watchdog,
        Screen::StaffLogin => ScreenId::StaffLogin,
        Screen::Counter => ScreenId::Counter,
        Screen::Service => ScreenId::Service,
        Screen::ContactDetail => ScreenId::ContactDetail,
        Screen::ServiceList => ScreenId::ServiceList,
        Screen::ServiceDetail => ScreenId::ServiceDetail,
        Screen::ServiceSearch => ScreenId::ServiceSearch,
        Screen::ContactSearch => ScreenId::ContactSearch,
        Screen::PhoneLogin => ScreenId::PhoneLogin,
        Screen::LoginHelp => ScreenId::LoginHelp,
        Screen::Board => ScreenId::Board,
        Screen::BoardAgendas => ScreenId::BoardAgendas,
        Screen::BoardNotice => ScreenId::BoardNotice,
        Screen::DashboardNotice => ScreenId::DashboardNotice,
        Screen::WhereToVote => ScreenId::WhereToVote,
        Screen::HouseNumber => ScreenId::HouseNumber,
        Screen::PollingPlace => ScreenId::PollingPlace,
    }
}

fn screen_from_id(id: ScreenId) -> Screen {
    Screen::ALL
        .into_iter()
        .find(|s| screen_id(*s) == id)
        .unwrap_or(Screen::Home)
}
