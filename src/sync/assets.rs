//! Content-addressed assets: `ASSETS/<sha256>`, written to a temp file, checked
//! for size and hash, then renamed into place. Files no slide or urgent
//! notice refers to are removed; the directory never grows past its budget.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::portal::PortalClient;
use crate::portal::types::{AssetRef, PromoPlaylist};
use crate::portal::validate::is_sha256_hex;
use crate::store::Store;

#[derive(Debug, Clone, Default, Serialize)]
pub struct AssetReport {
    pub downloaded: usize,
    /// Already on disk and verified earlier.
    pub present: usize,
    pub removed: usize,
    pub failed: usize,
    /// Not downloaded because the budget is spent.
    pub over_budget: usize,
}

/// Where an asset lives once verified.
pub fn asset_path(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(sha256)
}

/// What changed on disk, for the store's asset index.
#[derive(Debug, Default)]
pub struct AssetChanges {
    pub stored: Vec<(String, u64)>,
    pub removed: Vec<String>,
}

impl AssetChanges {
    pub fn record(&self, store: &Store) {
        for (sha, size) in &self.stored {
            let _ = store.record_asset(sha, *size);
        }
        for sha in &self.removed {
            let _ = store.forget_asset(sha);
        }
    }
}

/// Brings the asset directory in line with `playlist`. Holds no store handle
/// across the downloads (the store connection stays on its task).
pub async fn sync_assets(
    client: &PortalClient,
    dir: &Path,
    budget: u64,
    playlist: &PromoPlaylist,
) -> (AssetReport, AssetChanges) {
    let mut report = AssetReport::default();
    let mut changes = AssetChanges::default();
    if let Err(e) = std::fs::create_dir_all(dir) {
        tracing::error!(dir = %dir.display(), error = %e, "cannot create the asset directory");
        report.failed += 1;
        return (report, changes);
    }
    let mut wanted: Vec<&AssetRef> = Vec::new();
    let pictures = playlist
        .slides
        .iter()
        .map(|s| &s.asset)
        .chain(playlist.notices.iter().map(|n| &n.asset));
    for asset in pictures {
        if let Some(a) = asset
            && is_sha256_hex(&a.sha256)
            && !wanted.iter().any(|w| w.sha256 == a.sha256)
        {
            wanted.push(a);
        }
    }
    let wanted_ids: HashSet<&str> = wanted.iter().map(|a| a.sha256.as_str()).collect();

    // Remove what no slide refers to (and stray temp files).
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !wanted_ids.contains(name.as_str())
                && std::fs::remove_file(entry.path()).is_ok()
                && !name.starts_with("tmp-")
            {
                report.removed += 1;
                changes.removed.push(name);
            }
        }
    }

    let mut used: u64 = 0;
    for asset in wanted {
        let path = asset_path(dir, &asset.sha256);
        if path
            .metadata()
            .map(|m| m.len() == asset.size)
            .unwrap_or(false)
        {
            used += asset.size;
            report.present += 1;
            continue;
        }
        if used.saturating_add(asset.size) > budget {
            tracing::warn!(sha256 = %asset.sha256, size = asset.size, budget, "asset skipped: the asset budget is spent");
            report.over_budget += 1;
            continue;
        }
        match download(client, dir, asset).await {
            Ok(()) => {
                used += asset.size;
                report.downloaded += 1;
                changes.stored.push((asset.sha256.clone(), asset.size));
            }
            Err(e) => {
                tracing::warn!(sha256 = %asset.sha256, error = %e, "asset download failed");
                report.failed += 1;
            }
        }
    }
    (report, changes)
}

async fn download(client: &PortalClient, dir: &Path, asset: &AssetRef) -> Result<(), String> {
    let tmp = dir.join(format!("tmp-{}", asset.sha256));
    let mut file =
        std::fs::File::create(&tmp).map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
    let mut hasher = Sha256::new();
    let result = client
        .asset(&asset.sha256, asset.size, |chunk| {
            hasher.update(chunk);
            file.write_all(chunk)
        })
        .await;
    let outcome = match result {
        Err(e) => Err(e.to_string()),
        Ok(_) => {
            let digest = hex(&hasher.finalize());
            if digest != asset.sha256 {
                Err(format!("content hash {digest} does not match"))
            } else {
                file.sync_all()
                    .and_then(|()| std::fs::rename(&tmp, asset_path(dir, &asset.sha256)))
                    .map_err(|e| format!("cannot store: {e}"))
            }
        }
    };
    if outcome.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    outcome
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
