//! Compiles the Slint UI with the translations bundled (instant language switch,
//! no files at run time) and with debug info, which the UI tests need to find
//! elements by their accessible label. Without the `ui` feature (the fuzz
//! targets' build of the library) there is no UI to compile.

fn main() {
    #[cfg(feature = "ui")]
    {
        let config = slint_build::CompilerConfiguration::new()
            .with_bundled_translations("ui/translations")
            .with_default_translation_context(slint_build::DefaultTranslationContext::None)
            .with_debug_info(true);
        if let Err(e) = slint_build::compile_with_config("ui/app.slint", config) {
            eprintln!("cannot compile the UI: {e}");
            std::process::exit(1);
        }
    }
}
