//! The notice board as the backend serves it: the town's OFN "Úřední desky"
//! JSON-LD (NOTICE-BOARD.md), unchanged. These types exist only to describe
//! that format in the OpenAPI document; the portal stores and serves the
//! board's text as published, and the kiosk reads it with its own lenient
//! reader (`noticeboard::read_board`), which ignores keys it does not know.
#![allow(dead_code)] // only their schemas are used

use std::collections::BTreeMap;

use utoipa::ToSchema;

/// A text in several languages (`{"cs": "…", "en": "…"}`); the kiosk shows the Czech one.
#[derive(serde::Serialize, ToSchema)]
#[schema(example = json!({"cs": "Veřejná vyhláška – oznámení o zahájení územního řízení"}))]
pub(super) struct OfnText(BTreeMap<String, String>);

/// A moment: exactly one of `datum`, `datum_a_čas` or `nespecifikovaný: true`
/// (a permanent posting). Its `typ` may be missing.
#[derive(serde::Serialize, ToSchema)]
pub(super) struct OfnMoment {
    /// "Časový okamžik".
    typ: Option<String>,
    /// YYYY-MM-DD.
    #[schema(format = Date)]
    datum: Option<String>,
    /// RFC 3339 with the town's offset.
    #[serde(rename = "datum_a_čas")]
    #[schema(format = DateTime)]
    datum_a_cas: Option<String>,
    #[serde(rename = "nespecifikovaný")]
    nespecifikovany: Option<bool>,
}

/// An agenda (area of the town's work) a notice belongs to.
#[derive(serde::Serialize, ToSchema)]
pub(super) struct OfnAgenda {
    /// "Agenda".
    typ: Option<String>,
    #[serde(rename = "název")]
    nazev: OfnText,
}

/// A document of a notice (usually a PDF on the town's web). The kiosk shows
/// an https URL as a QR code; any other link only by its name.
#[derive(serde::Serialize, ToSchema)]
pub(super) struct OfnDocument {
    /// "Digitální objekt".
    typ: Option<String>,
    #[serde(rename = "název")]
    nazev: Option<OfnText>,
    url: String,
}

/// One notice (`Informace na úřední desce`). Keys the kiosk does not know are ignored.
#[derive(serde::Serialize, ToSchema)]
pub(super) struct OfnNotice {
    /// ["Digitální objekt", "Informace na úřední desce"].
    typ: Option<Vec<String>>,
    iri: Option<String>,
    url: Option<String>,
    /// The title (required by the kiosk; markup is shown as plain text).
    #[serde(rename = "název")]
    nazev: OfnText,
    #[serde(rename = "popis")]
    popis: Option<OfnText>,
    /// When it was posted (required by the kiosk).
    #[serde(rename = "vyvěšení")]
    vyveseni: OfnMoment,
    /// Until when it hangs; missing: permanent.
    #[serde(rename = "relevantní_do")]
    relevantni_do: Option<OfnMoment>,
    #[serde(rename = "číslo_jednací")]
    cislo_jednaci: Option<String>,
    #[serde(rename = "spisová_značka")]
    spisova_znacka: Option<String>,
    agenda: Option<Vec<OfnAgenda>>,
    dokument: Option<Vec<OfnDocument>>,
}

/// The operator of the board.
#[derive(serde::Serialize, ToSchema)]
pub(super) struct OfnOperator {
    typ: Option<String>,
    #[serde(rename = "ičo")]
    ico: Option<String>,
}

/// The town's úřední deska in OFN "Úřední desky" (JSON-LD, context
/// `https://ofn.gov.cz/úřední-desky/2021-07-20/kontexty/úřední-deska.jsonld`),
/// served as the town publishes it.
#[derive(serde::Serialize, ToSchema)]
pub(super) struct OfnNoticeBoard {
    #[serde(rename = "@context")]
    context: Option<String>,
    /// "Úřední deska".
    typ: String,
    iri: Option<String>,
    #[serde(rename = "stránka")]
    stranka: Option<String>,
    provozovatel: Option<OfnOperator>,
    informace: Vec<OfnNotice>,
}
