//! Drives the promotion loop on screen: asks the preparer thread for slides,
//! puts prepared slides into the hidden layer and cross-fades, runs each slide's
//! timer, and releases pixels as soon as a slide is off screen. The next slide
//! is asked for only [`crate::promo::PREPARE_LEAD`] before the one on screen
//! has had its time, so one picture is held decoded (6 MB at 1920×1080) and
//! two only in that last moment, not all the time.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::time::Duration;

use slint::{ComponentHandle, Image, SharedString};
use tokio::sync::mpsc;

use super::{AppWindow, Promo, SlideView};
use crate::promo::{
    LoopAction, LoopState, Playlist, PlaylistSlide, PreparedSlide, SlideError, SlidePreparer,
};

/// Told of every slide that goes on screen.
type PlayObserver = Box<dyn Fn(&PlaylistSlide)>;

type Prepared = (u64, usize, Result<PreparedSlide, SlideError>);

/// Whether the first slide of this process has been shown (for the startup log line).
static FIRST_SLIDE_SHOWN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// How long to wait before trying the playlist again when every slide failed.
const FALLBACK_RETRY: Duration = Duration::from_secs(60);

/// Handle to the loop; cheap to keep in the UI's state.
pub struct PromoDriver {
    state: Rc<RefCell<State>>,
}

struct State {
    me: Weak<RefCell<State>>,
    app: slint::Weak<AppWindow>,
    playlist: Playlist,
    size: (u32, u32),
    fade: Duration,
    loop_state: LoopState,
    preparer: Option<SlidePreparer>,
    results: Rc<RefCell<mpsc::UnboundedReceiver<Prepared>>>,
    /// The next slide, prepared and waiting for its turn.
    ready: Option<(usize, PreparedSlide)>,
    generation: u64,
    active: bool,
    slide_timer: slint::Timer,
    release_timer: slint::Timer,
    /// Asks for the next slide when the shown one is nearly done ([`crate::promo::prepare_next_after`]).
    prepare_timer: slint::Timer,
    /// A new playlist, taken over when the slide on screen has had its time.
    pending: Option<Playlist>,
    /// Told of every slide that goes on screen (proof of play).
    on_play: Option<PlayObserver>,
    /// The built-in fallback is on screen: anything new replaces it at once.
    showing_fallback: bool,
    /// Which layer is on top (the driver's own record; the UI is never asked).
    showing_b: Rc<std::cell::Cell<bool>>,
}

impl PromoDriver {
    pub fn new(
        app: &AppWindow,
        playlist: Playlist,
        size: (u32, u32),
        fade: Duration,
        slide_cache: Option<std::path::PathBuf>,
    ) -> PromoDriver {
        let (tx, rx) = mpsc::unbounded_channel::<Prepared>();
        let cache = slide_cache.map(crate::promo::PixelCache::new);
        let preparer = match SlidePreparer::spawn(cache, move |tag, index, result| {
            let _ = tx.send((tag, index, result));
        }) {
            Ok(p) => Some(p),
            Err(e) => {
                tracing::error!(error = %e, "cannot start the slide preparer; showing the fallback slide");
                None
            }
        };
        app.global::<Promo>().set_fade(fade.as_millis() as i64);
        app.global::<Promo>().set_count(playlist.len() as i32);
        let results = Rc::new(RefCell::new(rx));
        let state = Rc::new_cyclic(|me| {
            RefCell::new(State {
                me: me.clone(),
                app: app.as_weak(),
                loop_state: LoopState::new(playlist.len()),
                playlist,
                size,
                fade,
                preparer,
                results: results.clone(),
                ready: None,
                generation: 0,
                active: false,
                slide_timer: slint::Timer::default(),
                release_timer: slint::Timer::default(),
                prepare_timer: slint::Timer::default(),
                pending: None,
                on_play: None,
                showing_fallback: false,
                showing_b: Rc::new(std::cell::Cell::new(false)),
            })
        });
        // Deliver prepared slides on the UI thread as they arrive. Without an event
        // loop (headless tests) this cannot be spawned and `pump` delivers them instead.
        let weak = Rc::downgrade(&state);
        let spawned = slint::spawn_local(async move {
            loop {
                let message = std::future::poll_fn(|cx| results.borrow_mut().poll_recv(cx)).await;
                match (message, weak.upgrade()) {
                    (Some(message), Some(state)) => state.borrow_mut().on_prepared(message),
                    _ => break,
                }
            }
        });
        if let Err(e) = spawned {
            tracing::debug!(error = %e, "no event loop; promo slides are delivered by pump()");
        }
        PromoDriver { state }
    }

    pub fn start(&self) {
        self.state.borrow_mut().start();
    }

    pub fn stop(&self) {
        self.state.borrow_mut().stop();
    }

    /// Replaces the playlist. A loop on screen finishes its current slide first
    /// (an urgent notice does not wait); a stopped loop plays it when it starts.
    /// If the current playlist cannot show anything, the new one takes over at once.
    pub fn set_playlist(&self, playlist: Playlist, urgent: bool) {
        let mut s = self.state.borrow_mut();
        if *s.playlist.slides == *playlist.slides {
            return;
        }
        tracing::info!(slides = playlist.len(), urgent, "promo playlist changed");
        // A loop on screen (or about to be: its first slide is being prepared)
        // finishes that slide first; restarting would throw away the work.
        if !s.active || urgent || s.showing_fallback {
            let active = s.active;
            s.adopt(playlist);
            if active {
                s.start();
            }
        } else {
            s.pending = Some(playlist);
        }
    }

    /// Calls `f` for every slide that goes on screen.
    pub fn on_play(&self, f: impl Fn(&PlaylistSlide) + 'static) {
        self.state.borrow_mut().on_play = Some(Box::new(f));
    }

    /// Whether the next slide is prepared and held, waiting for its turn.
    pub fn next_is_ready(&self) -> bool {
        self.state.borrow().ready.is_some()
    }

    /// Delivers every slide prepared so far (for use without an event loop).
    pub fn pump(&self) {
        let mut messages = Vec::new();
        let results = self.state.borrow().results.clone();
        while let Ok(m) = results.borrow_mut().try_recv() {
            messages.push(m);
        }
        for m in messages {
            self.state.borrow_mut().on_prepared(m);
        }
    }
}

impl State {
    fn adopt(&mut self, playlist: Playlist) {
        self.loop_state = LoopState::new(playlist.len());
        if let Some(app) = self.app.upgrade() {
            app.global::<Promo>().set_count(playlist.len() as i32);
        }
        self.playlist = playlist;
        self.pending = None;
    }

    fn start(&mut self) {
        if let Some(p) = self.pending.take() {
            self.adopt(p);
        }
        self.generation += 1;
        self.active = true;
        self.ready = None;
        self.prepare_timer.stop();
        let action = self.loop_state.start();
        self.perform(action);
    }

    /// The slide on screen has had its time: a waiting playlist takes over now
    /// (its first slide replaces this one as soon as it is prepared).
    fn time_up(&mut self) {
        if self.pending.is_some() {
            self.start();
            return;
        }
        let action = self.loop_state.slide_time_up();
        self.perform(action);
    }

    fn stop(&mut self) {
        self.generation += 1;
        self.active = false;
        self.ready = None;
        self.slide_timer.stop();
        self.release_timer.stop();
        if let Some(app) = self.app.upgrade() {
            let promo = app.global::<Promo>();
            promo.set_slot_a(SlideView::default());
            promo.set_slot_b(SlideView::default());
            promo.set_show_b(false);
            self.showing_b.set(false);
        }
    }

    fn on_prepared(&mut self, (generation, index, result): Prepared) {
        if generation != self.generation || !self.active {
            return; // prepared for a loop that has since been left
        }
        let ok = result.is_ok();
        if !ok && self.pending.is_some() {
            // Likely a picture of the old playlist that sync has already removed.
            self.start();
            return;
        }
        if let Ok(slide) = result {
            self.ready = Some((index, slide));
        }
        let action = self.loop_state.prepared(index, ok);
        self.perform(action);
    }

    fn perform(&mut self, action: LoopAction) {
        match action {
            LoopAction::Nothing => {}
            LoopAction::Prepare(index) => self.request(index),
            LoopAction::Show(index) => {
                match self.ready.take() {
                    Some((i, slide)) if i == index => self.show(index, slide_view(&slide)),
                    _ => tracing::warn!(index, "promo slide to show was not prepared"),
                }
                self.prepare_next_before(index);
            }
            LoopAction::RetryLater => {
                let me = self.me.clone();
                self.slide_timer
                    .start(slint::TimerMode::SingleShot, FALLBACK_RETRY, move || {
                        if let Some(s) = me.upgrade() {
                            s.borrow_mut().time_up();
                        }
                    });
            }
            LoopAction::ShowFallback => {
                let view = fallback_view(self.app.upgrade().as_ref());
                self.show(usize::MAX, view);
                self.showing_fallback = true;
                let me = self.me.clone();
                self.slide_timer
                    .start(slint::TimerMode::SingleShot, FALLBACK_RETRY, move || {
                        if let Some(s) = me.upgrade() {
                            let mut s = s.borrow_mut();
                            if s.active {
                                s.start();
                            }
                        }
                    });
            }
        }
    }

    /// Asks for the slide after `shown` when `shown` is nearly done
    /// ([`crate::promo::prepare_next_after`]).
    fn prepare_next_before(&mut self, shown: usize) {
        let Some(slide) = self.playlist.get(shown) else {
            return;
        };
        let me = self.me.clone();
        self.prepare_timer.start(
            slint::TimerMode::SingleShot,
            crate::promo::prepare_next_after(slide.duration),
            move || {
                if let Some(s) = me.upgrade() {
                    let mut s = s.borrow_mut();
                    if let Some(next) = s.loop_state.prepare_after_show() {
                        s.request(next);
                    }
                }
            },
        );
    }

    fn request(&mut self, index: usize) {
        let Some(slide) = self.playlist.get(index).cloned() else {
            return;
        };
        let sent = self
            .preparer
            .as_ref()
            .is_some_and(|p| p.request(self.generation, index, slide, self.size.0, self.size.1));
        if !sent {
            let action = self.loop_state.prepared(index, false);
            if action != LoopAction::Prepare(index) {
                self.perform(action);
            }
        }
    }

    /// Puts a slide into the hidden layer, fades to it and starts its timer.
    fn show(&mut self, index: usize, view: SlideView) {
        let Some(app) = self.app.upgrade() else {
            return;
        };
        let promo = app.global::<Promo>();
        let to_b = !self.showing_b.get();
        self.showing_b.set(to_b);
        if to_b {
            promo.set_slot_b(view);
        } else {
            promo.set_slot_a(view);
        }
        promo.set_show_b(to_b);
        self.showing_fallback = false;
        if !FIRST_SLIDE_SHOWN.swap(true, std::sync::atomic::Ordering::Relaxed) {
            let startup_ms = crate::ops::since_process_start().as_secs_f64() * 1000.0;
            tracing::info!(startup_ms, "first promo slide handed to the window");
        }
        if index != usize::MAX {
            promo.set_position(index as i32);
        }
        // Release the pixels of the slide that just faded out.
        let weak_app = self.app.clone();
        let showing_b = self.showing_b.clone();
        self.release_timer.start(
            slint::TimerMode::SingleShot,
            self.fade + Duration::from_millis(100),
            move || {
                if let Some(app) = weak_app.upgrade() {
                    let promo = app.global::<Promo>();
                    if showing_b.get() {
                        promo.set_slot_a(SlideView::default());
                    } else {
                        promo.set_slot_b(SlideView::default());
                    }
                }
            },
        );
        if let (Some(slide), Some(on_play)) = (self.playlist.get(index), self.on_play.as_ref()) {
            on_play(slide);
        }
        if let Some(slide) = self.playlist.get(index) {
            let me = self.me.clone();
            self.slide_timer
                .start(slint::TimerMode::SingleShot, slide.duration, move || {
                    if let Some(s) = me.upgrade() {
                        s.borrow_mut().time_up();
                    }
                });
        }
    }
}

/// What a prepared slide looks like to the UI.
pub fn slide_view(slide: &PreparedSlide) -> SlideView {
    match slide {
        PreparedSlide::Image(pixels) => SlideView {
            is_image: true,
            image: Image::from_rgb8(pixels.clone()),
            ..SlideView::default()
        },
        PreparedSlide::Text {
            title,
            body,
            qr,
            qr_caption,
        } => SlideView {
            is_image: false,
            title: title.into(),
            body: body.into(),
            has_qr: qr.is_some(),
            qr: qr.clone().map(Image::from_rgb8).unwrap_or_default(),
            qr_caption: SharedString::from(qr_caption.as_str()),
            ..SlideView::default()
        },
    }
}

/// Shown when no slide of the playlist can be shown: calm, true, and useful —
/// the town's portal and its address, from the site config.
fn fallback_view(app: Option<&AppWindow>) -> SlideView {
    let (title, web) = app
        .map(|app| {
            let town = app.global::<crate::ui::Town>();
            (town.get_portal_name(), town.get_web())
        })
        .unwrap_or_default();
    SlideView {
        is_image: false,
        title,
        body: web,
        ..SlideView::default()
    }
}
