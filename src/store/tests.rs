//! Store tests on real SQLite files in a temp directory.

use super::*;

fn sample_services() -> ServiceCatalogue {
    let service = |id: &str, title: &str| Service {
        id: id.into(),
        title: title.into(),
        categories: vec!["Doklady a evidence obyvatel".into()],
        department_id: "odbor-spravni".into(),
        summary: "Shrnutí.".into(),
        where_: "Radnice".into(),
        how: "Přijďte.".into(),
        with_whom: "Podatelna".into(),
        cost: "zdarma".into(),
        bring: vec![],
        deadlines: String::new(),
        forms: vec![],
        reservation_url: None,
        updated_at: chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
        keywords: vec![],
        room: String::new(),
        steps: vec![],
        contact: None,
        url: None,
    };
    ServiceCatalogue {
        services: vec![
            service("op", "Vydání občanského průkazu"),
            service("pes", "Přihlášení psa"),
        ],
    }
}

#[test]
fn a_replaced_collection_reads_back_with_its_etag() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let at = chrono::Utc::now();
    store.replace(&sample_services(), "\"abc\"", at).unwrap();
    let back: ServiceCatalogue = store.load().unwrap();
    assert_eq!(back, sample_services());
    let state = store.sync_state("services").unwrap();
    assert_eq!(state.etag.as_deref(), Some("\"abc\""));
    assert_eq!(state.failures, 0);
    drop(store);
    // Survives a reopen (and the migration does not run twice).
    let store = Store::open_in(dir.path()).unwrap();
    assert_eq!(store.load::<ServiceCatalogue>().unwrap().services.len(), 2);
}

#[test]
fn search_ignores_case_and_diacritics() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    store
        .replace(&sample_services(), "\"1\"", chrono::Utc::now())
        .unwrap();
    let hits = store.search_services("OBCANSKY prukaz").unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].id, "op");
    assert_eq!(store.search_services("PSA").unwrap()[0].id, "pes");
    assert!(store.search_services("parkování").unwrap().is_empty());
}

#[test]
fn polling_district_is_found_by_street_and_number() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let district = |n: u32, streets: Vec<(&str, &str)>| PollingDistrict {
        number: n,
        place: format!("Škola {n}"),
        address: "Litoměřice".into(),
        room: "přízemí".into(),
        entrance: None,
        accessibility: None,
        map: None,
        streets: streets
            .into_iter()
            .map(|(s, r)| StreetRange {
                street: s.into(),
                numbers: r.into(),
            })
            .collect(),
    };
    let info = ElectionInfo {
        elections: vec![],
        districts: vec![
            district(1, vec![("Dlouhá", "odd")]),
            district(2, vec![("Dlouhá", "even"), ("Mírové náměstí", "all")]),
        ],
    };
    store.replace(&info, "\"e\"", chrono::Utc::now()).unwrap();
    assert_eq!(
        store.polling_district("Dlouhá", 7).unwrap().unwrap().number,
        1
    );
    assert_eq!(
        store.polling_district("dlouha", 8).unwrap().unwrap().number,
        2
    );
    assert_eq!(
        store
            .polling_district("Mírové náměstí", 1)
            .unwrap()
            .unwrap()
            .number,
        2
    );
    assert!(store.polling_district("Neexistující", 1).unwrap().is_none());
}

#[test]
fn outbox_keeps_order_and_forgets_only_what_was_removed() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let t0 = chrono::Utc::now();
    let ids: Vec<_> = (0..5)
        .map(|i| {
            store
                .enqueue_event(
                    EventKind::ProofOfPlay,
                    t0 + chrono::Duration::seconds(i),
                    &serde_json::json!({"n": i}),
                )
                .unwrap()
        })
        .collect();
    let batch = store.outbox_batch(3).unwrap();
    assert_eq!(batch.iter().map(|e| e.id).collect::<Vec<_>>(), ids[..3]);
    assert_eq!(batch[1].payload, serde_json::json!({"n": 1}));
    assert_eq!(store.outbox_remove(&ids[..2]).unwrap(), 2);
    assert_eq!(store.outbox_len().unwrap(), 3);
    assert_eq!(store.outbox_batch(10).unwrap()[0].id, ids[2]);
    // The true time of the event survives storage exactly.
    assert_eq!(
        store.outbox_batch(10).unwrap()[0].occurred_at,
        t0 + chrono::Duration::seconds(2)
    );
}

#[test]
fn an_unreadable_outbox_row_does_not_block_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    store
        .conn
        .execute(
            "INSERT INTO outbox (id, kind, occurred_at, payload) VALUES ('x', 'from-the-future', 'now', '{}')",
            [],
        )
        .unwrap();
    let good = store
        .enqueue_event(EventKind::Error, chrono::Utc::now(), &serde_json::json!({}))
        .unwrap();
    let batch = store.outbox_batch(1).unwrap();
    assert_eq!(batch.len(), 1);
    assert_eq!(batch[0].id, good);
    assert_eq!(store.outbox_len().unwrap(), 1, "the unreadable row is gone");
}

#[test]
fn a_locked_database_is_reported_not_thrown_away() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    store
        .enqueue_event(EventKind::Error, chrono::Utc::now(), &serde_json::json!({}))
        .unwrap();
    drop(store);
    // Make the file unreadable for the next open: a permissions problem, not damage.
    let path = dir.path().join(STORE_FILE);
    let e = StoreError::Sql(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
        None,
    ));
    assert!(!is_corruption(&e));
    let store = Store::open(&path).unwrap();
    assert_eq!(store.outbox_len().unwrap(), 1, "nothing was lost on reopen");
}

#[test]
fn failures_are_counted_until_a_success() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    assert_eq!(store.record_sync_failure("promo", "down").unwrap(), 1);
    assert_eq!(store.record_sync_failure("promo", "down").unwrap(), 2);
    assert_eq!(
        store.sync_state("promo").unwrap().last_error.as_deref(),
        Some("down")
    );
    store
        .record_sync_success("promo", chrono::Utc::now())
        .unwrap();
    let state = store.sync_state("promo").unwrap();
    assert_eq!((state.failures, state.last_error), (0, None));
}

#[test]
fn a_corrupt_file_is_moved_aside_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(STORE_FILE);
    std::fs::write(
        &path,
        b"this is not an sqlite database, just garbage bytes ".repeat(100),
    )
    .unwrap();
    let mut store = Store::open(&path).unwrap();
    store
        .replace(&sample_services(), "\"x\"", chrono::Utc::now())
        .unwrap();
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1, "the broken file is kept for inspection");
    assert_eq!(store.load::<ServiceCatalogue>().unwrap().services.len(), 2);
}

#[test]
fn fold_removes_czech_diacritics() {
    assert_eq!(
        fold("Příliš žluťoučký kůň úpěl ďábelské ódy"),
        "prilis zlutoucky kun upel dabelske ody"
    );
}

#[test]
fn the_staff_lockout_is_counts_and_a_time_and_survives_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    assert_eq!(
        store.staff_lockout().unwrap(),
        crate::staff::Lockout::default()
    );
    let until = chrono::DateTime::from_timestamp(1_800_000_120, 0).unwrap();
    let lockout = crate::staff::Lockout {
        failures: 3,
        lockouts: 2,
        locked_until: Some(until),
    };
    store.put_staff_lockout(&lockout).unwrap();
    drop(store);
    let store = Store::open_in(dir.path()).unwrap();
    assert_eq!(store.staff_lockout().unwrap(), lockout);
    // A time that cannot be read locks (fails closed), never unlocks.
    store
        .conn
        .execute("UPDATE staff_lockout SET locked_until = 'soon'", [])
        .unwrap();
    let read = store.staff_lockout().unwrap();
    assert!(read.locked_until.unwrap() > chrono::Utc::now());
    assert_eq!((read.failures, read.lockouts), (3, 2));
}

/// "Kde volím?" over the town's real street names as the store keeps them.
#[test]
fn street_suggestions_split_streets_and_the_election_schedule_from_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let info: ElectionInfo =
        serde_json::from_str(include_str!("../../assets/seed/elections.json")).unwrap();
    store.replace(&info, "\"e\"", chrono::Utc::now()).unwrap();

    let s = store.street_suggestions("m", 6).unwrap();
    assert!(s.names.is_empty(), "nothing before two letters");
    let s = store.street_suggestions("masa", 6).unwrap();
    assert_eq!(s.names, ["Masarykova"]);
    let s = store.street_suggestions("MIROVE", 6).unwrap();
    assert_eq!(s.names[0], "Mírové náměstí");
    // Prefix first: every name before the first non-prefix one starts with it.
    let s = store.street_suggestions("na", 40).unwrap();
    let first_other = s
        .names
        .iter()
        .position(|n| !crate::elections::search_key(n).starts_with("na"))
        .unwrap_or(s.names.len());
    assert!(first_other >= 2, "{:?}", s.names);
    assert!(
        s.names[first_other..]
            .iter()
            .all(|n| !crate::elections::search_key(n).starts_with("na"))
    );
    let unknown = store.street_suggestions("Masarikova", 3).unwrap();
    assert!(unknown.closest);
    assert_eq!(unknown.names[0], "Masarykova");

    let masarykova = store.street("masarykova").unwrap().unwrap();
    assert!(masarykova.is_split());
    assert_eq!(masarykova.district_of(12), Some(7));
    assert_eq!(masarykova.district_of(120), Some(8));
    assert_eq!(masarykova.district_of(301), None);
    assert!(!store.street("Veitova").unwrap().unwrap().is_split());
    assert!(store.street("Hlavní třída").unwrap().is_none());

    let on = |d: &str| store.election_schedule(d.parse().unwrap()).unwrap();
    let now = on("2026-12-05");
    assert_eq!(now.upcoming[0].id, "prezident-2028");
    assert_eq!(now.last.as_ref().unwrap().id, "obce-2026");
    let later = on("2029-01-01");
    assert!(later.upcoming.is_empty());
    assert_eq!(later.last.unwrap().id, "kraj-2028");

    // The polling room's optional details survive the store.
    let d1 = store.polling_district("Na Valech", 3).unwrap().unwrap();
    assert_eq!(d1.number, 1);
    assert!(d1.entrance.is_some() && d1.accessibility.is_some());
    assert!(d1.map.as_deref().is_some_and(|m| m.starts_with("geo:")));
}

/// The seed catalogue and contacts in a store, as the kiosk has them after a sync.
fn seeded() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let services: ServiceCatalogue =
        serde_json::from_str(include_str!("../../assets/seed/services.json")).unwrap();
    let contacts: ContactDirectory =
        serde_json::from_str(include_str!("../../assets/seed/contacts.json")).unwrap();
    let now = chrono::Utc::now();
    store.replace(&services, "\"s\"", now).unwrap();
    store.replace(&contacts, "\"c\"", now).unwrap();
    (dir, store)
}

/// What a citizen would type, and the service that must come first.
#[test]
fn the_first_hit_is_what_a_citizen_means() {
    let (_dir, store) = seeded();
    let cases = [
        ("ztratil jsem občanku", "obcansky-prukaz-ztrata"),
        ("přihlášení psa", "prihlaseni-psa"),
        ("PŘIHLÁŠENÍ PSA", "prihlaseni-psa"),
        ("prihlaseni psa", "prihlaseni-psa"),
        ("svatba", "snatek"),
        ("rodný list", "narozeni-ditete"),
        ("obc", "obcansky-prukaz"),
        ("občanský průkaz", "obcansky-prukaz"),
        ("cestovní pas", "cestovni-pas"),
        ("pas", "cestovni-pas"),
        ("řidičák", "ridicsky-prukaz-vydani"),
        ("ztráta řidičského průkazu", "ridicsky-prukaz-ztrata"),
        ("popelnice", "poplatek-za-odpad"),
        ("poplatek za odpad", "poplatek-za-odpad"),
        ("poplatek ze psů", "poplatek-ze-psu"),
        ("kácení stromů", "kaceni-drevin"),
        ("parkovací karta", "rezidentni-parkovani"),
        ("přepis auta", "zmena-vlastnika-vozidla"),
        ("výpis z rejstříku trestů", "vypis-rejstrik-trestu"),
        ("datová schránka", "datova-schranka"),
        ("voličský průkaz", "volicsky-prukaz"),
        ("pokuta", "pokuta-mestske-policie"),
        ("odtáhli auto", "odtah-vozidla"),
        ("školka", "zapis-do-ms"),
        ("úmrtí", "umrti"),
        ("stavební povolení", "povoleni-stavby"),
        ("trvalý pobyt", "trvaly-pobyt-prihlaseni"),
        ("ověření podpisu", "legalizace"),
    ];
    let mut wrong = Vec::new();
    for (query, expected) in cases {
        let found = store.search_service_ids(query).unwrap();
        if found.first().map(String::as_str) != Some(expected) {
            wrong.push(format!("{query:?}: {:?}", &found[..found.len().min(3)]));
        }
    }
    assert!(
        wrong.is_empty(),
        "first hits not as expected:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn one_typo_in_a_longer_word_is_forgiven() {
    let (_dir, store) = seeded();
    for typo in ["prihlasneni psa", "svadba", "rybarsky lisek", "obcasnky"] {
        let found = store.search_service_ids(typo).unwrap();
        assert!(!found.is_empty(), "{typo:?} finds nothing");
    }
    assert_eq!(store.search_service_ids("svadba").unwrap()[0], "snatek");
    // Short words are not widened: "pas" must not find everything one letter away.
    assert!(store.search_service_ids("xqzw").unwrap().is_empty());
}

#[test]
fn an_empty_or_punctuation_query_finds_nothing_and_breaks_nothing() {
    let (_dir, store) = seeded();
    for q in [
        "",
        "   ",
        "\"",
        "*",
        "AND",
        "(",
        "NEAR(a b)",
        "-",
        "'; DROP TABLE services; --",
    ] {
        let _ = store.search_service_ids(q).unwrap();
        let _ = store.search_contacts(q).unwrap();
    }
    assert!(store.search_service_ids(" ").unwrap().is_empty());
    assert_eq!(store.load::<ServiceCatalogue>().unwrap().services.len(), 77);
}

#[test]
fn contacts_are_found_by_name_phone_and_room() {
    let (_dir, store) = seeded();
    let first = |q: &str| store.search_contacts(q).unwrap().into_iter().next();
    let hit = first("Pokorná").expect("a person by name");
    assert_eq!(hit.department_id, "odbor-spravni");
    assert!(hit.person.is_some());
    assert_eq!(first("pokorna"), Some(hit.clone()));
    // By phone: the whole number, its end, with or without spaces.
    for phone in ["+420 416 916 126", "916126", "916 126"] {
        assert_eq!(first(phone), Some(hit.clone()), "{phone}");
    }
    // A department by name, and a room.
    assert_eq!(first("matrika").unwrap().department_id, "matrika");
    assert!(
        store
            .search_contacts("A 118")
            .unwrap()
            .iter()
            .any(|h| h.person.is_some())
    );
}

#[test]
fn the_index_follows_a_new_catalogue() {
    let (_dir, mut store) = seeded();
    assert!(!store.search_service_ids("svatba").unwrap().is_empty());
    store
        .replace(&sample_services(), "\"2\"", chrono::Utc::now())
        .unwrap();
    assert!(store.search_service_ids("svatba").unwrap().is_empty());
    assert_eq!(store.search_service_ids("psa").unwrap(), vec!["pes"]);
}
