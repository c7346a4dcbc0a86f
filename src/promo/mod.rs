//! The promotion loop: the playlist model, the order slides play in, and the
//! preparation of slides for the screen (image decoding and scaling, QR codes).
//!
//! Preparation is CPU-heavy and runs on its own thread ([`SlidePreparer`]), never
//! on the UI thread; the UI holds only the slide on screen and the next one. A
//! slide that cannot be read or decoded is skipped with a log line — the loop never
//! stops and never crashes because of content.

pub mod notices;
mod playlist;
pub mod prague;
mod prepare;
pub mod schedule;
pub mod signature;

pub use playlist::{
    DemoSlide, Playlist, PlaylistError, PlaylistSlide, SlideImage, SlideKind, demo_slides,
    slides_from_file,
};
pub use prepare::{
    PixelCache, PreparedSlide, SlideError, SlidePreparer, prepare_picture, prepare_slide,
    qr_code_image,
};
pub use signature::{
    PlaylistSigner, PlaylistTrust, PublicKey, SignatureError, Verdict, VerifyState, VerifyStatus,
};

/// How long before a slide's time is up the next one is asked for. A picture
/// from the slide cache is read in a few milliseconds; one decoded for the
/// first time (tens to hundreds of milliseconds) may keep the slide on screen
/// a moment longer, once: the loop shows a late slide as soon as it is ready.
/// Asking earlier would hold two decoded pictures (6 MB each at full HD) for
/// the whole of the shown slide's time.
pub const PREPARE_LEAD: std::time::Duration = std::time::Duration::from_millis(500);

/// When, after a slide of `slide_time` went on screen, the next one is asked
/// for: [`PREPARE_LEAD`] before its time is up, at once if it is shorter.
pub fn prepare_next_after(slide_time: std::time::Duration) -> std::time::Duration {
    slide_time.saturating_sub(PREPARE_LEAD)
}

/// Which slide comes after `index` in a playlist of `len` slides.
pub fn next_index(index: usize, len: usize) -> usize {
    if len == 0 { 0 } else { (index + 1) % len }
}

/// Bookkeeping of the loop on screen, independent of any toolkit: which slide is
/// shown, which one is being prepared, and when to give up on a playlist whose
/// slides all fail.
#[derive(Debug, Default)]
pub struct LoopState {
    len: usize,
    /// Slide on screen.
    pub shown: Option<usize>,
    /// Slide requested from the preparer and not yet answered.
    pub preparing: Option<usize>,
    /// Next slide, prepared and waiting for its turn.
    pub ready: Option<usize>,
    /// The shown slide's time is up; flip as soon as the next one is ready.
    pub due: bool,
    failures_in_a_row: usize,
}

/// What the UI must do after a [`LoopState`] transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopAction {
    /// Ask the preparer for this slide.
    Prepare(usize),
    /// Put the prepared slide on screen (cross-fade) and run its timer; then prepare the next.
    Show(usize),
    /// Every slide failed: show the built-in fallback slide.
    ShowFallback,
    /// Every other slide failed while one is on screen: keep it, and call
    /// [`LoopState::slide_time_up`] again after a pause.
    RetryLater,
    Nothing,
}

impl LoopState {
    pub fn new(len: usize) -> LoopState {
        LoopState {
            len,
            ..LoopState::default()
        }
    }

    /// The loop starts: prepare the first slide.
    pub fn start(&mut self) -> LoopAction {
        *self = LoopState::new(self.len);
        if self.len == 0 {
            return LoopAction::ShowFallback;
        }
        self.preparing = Some(0);
        LoopAction::Prepare(0)
    }

    /// The preparer answered for `index`.
    pub fn prepared(&mut self, index: usize, ok: bool) -> LoopAction {
        if self.preparing != Some(index) {
            return LoopAction::Nothing; // stale answer from before a restart
        }
        self.preparing = None;
        if !ok {
            self.failures_in_a_row += 1;
            if self.failures_in_a_row >= self.len {
                self.failures_in_a_row = 0;
                if self.shown.is_none() {
                    return LoopAction::ShowFallback;
                }
                // Keep showing what we have and try again later — not at once,
                // which would spin the preparer and flood the log.
                self.due = false;
                return LoopAction::RetryLater;
            }
            let next = next_index(index, self.len);
            if Some(next) == self.shown && !self.due {
                return LoopAction::Nothing;
            }
            self.preparing = Some(next);
            return LoopAction::Prepare(next);
        }
        self.failures_in_a_row = 0;
        if self.shown.is_none() || self.due {
            self.show(index)
        } else {
            self.ready = Some(index);
            LoopAction::Nothing
        }
    }

    /// The shown slide's time is up.
    pub fn slide_time_up(&mut self) -> LoopAction {
        if self.len <= 1 && self.shown.is_some() {
            return LoopAction::Nothing; // nothing to change to: keep the slide, spend no CPU
        }
        match self.ready.take() {
            Some(index) => self.show(index),
            None => {
                self.due = true;
                if self.preparing.is_none()
                    && let Some(shown) = self.shown
                {
                    let next = next_index(shown, self.len);
                    self.preparing = Some(next);
                    return LoopAction::Prepare(next);
                }
                LoopAction::Nothing
            }
        }
    }

    fn show(&mut self, index: usize) -> LoopAction {
        self.shown = Some(index);
        self.due = false;
        self.ready = None;
        LoopAction::Show(index)
    }

    /// A slide is on screen and nearly done ([`prepare_next_after`]): what to
    /// prepare next (None for a one-slide loop or while one is being prepared).
    pub fn prepare_after_show(&mut self) -> Option<usize> {
        let shown = self.shown?;
        let next = next_index(shown, self.len);
        if self.len <= 1 || self.preparing.is_some() {
            return None;
        }
        self.preparing = Some(next);
        Some(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_slide_is_asked_for_half_a_second_before_the_turn() {
        use std::time::Duration;
        assert_eq!(
            prepare_next_after(Duration::from_secs(9)),
            Duration::from_millis(8_500)
        );
        assert_eq!(
            prepare_next_after(Duration::from_millis(500)),
            Duration::ZERO
        );
        assert_eq!(
            prepare_next_after(Duration::from_millis(200)),
            Duration::ZERO
        );
    }

    #[test]
    fn plays_in_order_and_wraps() {
        let mut s = LoopState::new(3);
        assert_eq!(s.start(), LoopAction::Prepare(0));
        assert_eq!(s.prepared(0, true), LoopAction::Show(0));
        assert_eq!(s.prepare_after_show(), Some(1));
        assert_eq!(s.prepared(1, true), LoopAction::Nothing);
        assert_eq!(s.slide_time_up(), LoopAction::Show(1));
        assert_eq!(s.prepare_after_show(), Some(2));
        assert_eq!(s.prepared(2, true), LoopAction::Nothing);
        assert_eq!(s.slide_time_up(), LoopAction::Show(2));
        assert_eq!(s.prepare_after_show(), Some(0));
    }

    #[test]
    fn a_failing_slide_is_skipped() {
        let mut s = LoopState::new(3);
        s.start();
        s.prepared(0, true);
        assert_eq!(s.prepare_after_show(), Some(1));
        assert_eq!(s.prepared(1, false), LoopAction::Prepare(2));
        assert_eq!(s.prepared(2, true), LoopAction::Nothing);
        assert_eq!(s.slide_time_up(), LoopAction::Show(2));
    }

    #[test]
    fn slow_preparation_flips_as_soon_as_ready() {
        let mut s = LoopState::new(2);
        s.start();
        s.prepared(0, true);
        s.prepare_after_show();
        assert_eq!(s.slide_time_up(), LoopAction::Nothing);
        assert_eq!(s.prepared(1, true), LoopAction::Show(1));
    }

    #[test]
    fn all_slides_failing_shows_the_fallback() {
        let mut s = LoopState::new(2);
        s.start();
        assert_eq!(s.prepared(0, false), LoopAction::Prepare(1));
        assert_eq!(s.prepared(1, false), LoopAction::ShowFallback);
    }

    #[test]
    fn all_slides_failing_while_one_is_shown_pauses_instead_of_spinning() {
        let mut s = LoopState::new(3);
        s.start();
        s.prepared(0, true);
        s.prepare_after_show(); // 1
        assert_eq!(s.slide_time_up(), LoopAction::Nothing);
        assert_eq!(s.prepared(1, false), LoopAction::Prepare(2));
        assert_eq!(s.prepared(2, false), LoopAction::Prepare(0));
        assert_eq!(s.prepared(0, false), LoopAction::RetryLater);
        assert_eq!(s.shown, Some(0), "the last good slide stays");
        // After the pause the loop tries again.
        assert_eq!(s.slide_time_up(), LoopAction::Prepare(1));
        assert_eq!(s.prepared(1, true), LoopAction::Show(1));
    }

    #[test]
    fn empty_playlist_shows_the_fallback() {
        assert_eq!(LoopState::new(0).start(), LoopAction::ShowFallback);
    }

    #[test]
    fn stale_answers_after_a_restart_are_ignored() {
        let mut s = LoopState::new(3);
        s.start();
        s.prepared(0, true);
        s.prepare_after_show(); // preparing 1
        s.start(); // loop left and re-entered: preparing 0 again
        assert_eq!(s.prepared(1, true), LoopAction::Nothing);
        assert_eq!(s.prepared(0, true), LoopAction::Show(0));
    }

    #[test]
    fn one_slide_loop_stays_on_its_slide() {
        let mut s = LoopState::new(1);
        s.start();
        assert_eq!(s.prepared(0, true), LoopAction::Show(0));
        assert_eq!(s.prepare_after_show(), None);
        assert_eq!(s.slide_time_up(), LoopAction::Nothing);
    }
}
