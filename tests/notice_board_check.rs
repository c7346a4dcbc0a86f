//! `portal-kiosk notice-board check FILE|URL`, the built binary on good and
//! broken board files and on a board served over loopback HTTP: the counts of
//! current, expired and refused notices with each refusal's reason, and exit 1
//! for what is not a board (not JSON, not a board, too large, unreadable, a
//! redirect to plain http).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/seed/notice-board.jsonld"
);

fn check(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portal-kiosk"))
        .arg("notice-board")
        .arg("check")
        .args(args)
        .output()
        .expect("run portal-kiosk")
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &tempfile::TempDir, name: &str, content: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    path.display().to_string()
}

/// A board of the seed with notices broken in three ways.
fn board_with_broken_notices() -> String {
    let mut board: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(SEED).unwrap()).unwrap();
    let items = board["informace"].as_array_mut().unwrap();
    items[2]["vyvěšení"] = serde_json::json!({ "datum": "2026-02-30" });
    items[5]["název"] = serde_json::json!({ "cs": "" });
    items[7]["relevantní_do"] = serde_json::json!({ "datum_a_čas": "do odvolání" });
    board.to_string()
}

#[test]
fn the_seeded_board_counts_current_and_expired_on_a_given_day() {
    let out = check(&[SEED, "--today", "2026-12-05"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("46 notices on 2026-12-05"), "{stdout}");
    assert!(stdout.contains("current          39\n"), "{stdout}");
    assert!(stdout.contains("expired          7\n"), "{stdout}");
    assert!(stdout.contains("refused          0\n"), "{stdout}");
    assert!(
        stdout.contains("documents without a QR code (not https, or too long): 1"),
        "{stdout}"
    );
    // A year later only the long-running and permanent notices are current.
    let later = check(&[SEED, "--today", "2028-01-01"]);
    let (stdout, _) = text(&later);
    assert!(stdout.contains("current          7\n"), "{stdout}");
    assert!(stdout.contains("expired          39\n"), "{stdout}");
}

#[test]
fn refused_notices_are_listed_with_their_reasons_and_the_rest_counted() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "deska.jsonld", &board_with_broken_notices());
    let out = check(&[&file, "--today", "2026-12-05"]);
    let (stdout, stderr) = text(&out);
    assert!(
        out.status.success(),
        "a board with bad notices is a board: {stdout}{stderr}"
    );
    assert!(stdout.contains("refused          3\n"), "{stdout}");
    let refusals: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("  refused"))
        .collect();
    assert_eq!(refusals.len(), 3, "{stdout}");
    assert!(
        refusals[0].starts_with("  refused notice #3 (https://"),
        "{}",
        refusals[0]
    );
    assert!(
        refusals[0].contains("`vyvěšení`: `2026-02-30` is not a date"),
        "{}",
        refusals[0]
    );
    assert!(refusals[1].contains("notice #6") && refusals[1].contains("no title"));
    assert!(refusals[2].contains("notice #8") && refusals[2].contains("`do odvolání`"));
    assert_eq!(
        stdout
            .lines()
            .filter_map(|l| l.strip_prefix("current          "))
            .chain(
                stdout
                    .lines()
                    .filter_map(|l| l.strip_prefix("expired          "))
            )
            .map(|n| n.parse::<usize>().unwrap())
            .sum::<usize>(),
        43,
        "{stdout}"
    );
}

#[test]
fn what_is_not_a_board_exits_1_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            write(
                &dir,
                "html.jsonld",
                "<html><body>Úřední deska</body></html>",
            ),
            "is not JSON",
        ),
        (
            write(&dir, "list.jsonld", "[{\"název\": \"x\"}]"),
            "not an OFN notice board (úřední deska): its top level is a list",
        ),
        (
            write(
                &dir,
                "contacts.json",
                include_str!("../assets/seed/contacts.json"),
            ),
            "neither `\"typ\": \"Úřední deska\"` nor an `informace` list",
        ),
        (
            write(
                &dir,
                "wrong.jsonld",
                "{\"typ\": \"Úřední deska\", \"informace\": {}}",
            ),
            "`informace` is an object, not a list",
        ),
        (
            write(
                &dir,
                "all-bad.jsonld",
                "{\"typ\": \"Úřední deska\", \"informace\": [{\"název\": \"x\"}]}",
            ),
            "the kiosk would not take this board: every one of its 1 notices was refused",
        ),
        (
            dir.path().join("missing.jsonld").display().to_string(),
            "cannot read the board",
        ),
    ];
    for (file, expected) in cases {
        let out = check(&[&file]);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{file}: {stdout}{stderr}");
        assert!(stderr.contains(expected), "{file}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    }
}

#[test]
fn a_board_larger_than_the_limit_is_not_read() {
    let out = check(&[SEED, "--max-bytes", "4096"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("larger than 4096 bytes (notice_board.max_bytes)"),
        "{stderr}"
    );
    assert!(stdout.is_empty());
}

/// One HTTP answer per connection, on a loopback port, for `count` requests.
fn serve(answers: Vec<Vec<u8>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for answer in answers {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(&answer);
        }
    });
    format!("http://{addr}")
}

fn http_answer(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let mut answer = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(body);
    answer
}

#[test]
fn a_town_url_is_read_like_a_file_and_a_redirect_to_plain_http_is_refused() {
    let seed = std::fs::read(SEED).unwrap();
    let base = serve(vec![http_answer(
        "200 OK",
        "Content-Type: application/ld+json\r\nETag: \"v1\"\r\n",
        &seed,
    )]);
    let out = check(&[
        &format!("{base}/uredni-deska.jsonld"),
        "--today",
        "2026-12-05",
    ]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("current          39\n"), "{stdout}");

    let base = serve(vec![http_answer(
        "302 Found",
        "Location: http://www.example.cz/deska.jsonld\r\n",
        b"",
    )]);
    let out = check(&[&format!("{base}/deska")]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("redirect to an address that is not https"),
        "{stderr}"
    );

    let base = serve(vec![http_answer("404 Not Found", "", b"nic")]);
    let out = check(&[&format!("{base}/deska")]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("answered 404 Not Found"), "{stderr}");

    let out = check(&["http://www.example.cz/deska.jsonld"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("expected an https:// URL"), "{stderr}");
}
