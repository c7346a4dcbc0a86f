//! `staff-pin-hash`: the argon2id hash of a staff PIN for the backend's staff
//! records (the backend checks staff PINs; the kiosk holds no hashes). The PIN
//! is read from stdin and never printed or logged.

/// Reads a staff PIN from stdin (not echoed on a terminal) and prints its
/// argon2id hash (`$argon2id$v=19$m=65536,t=3,p=1$…`), for the backend to store
/// with the staff member and the counters where they may log in.
pub fn staff_pin_hash() -> Result<(), String> {
    let pin = portal_kiosk::staff::read_pin_from_stdin()?;
    println!("{}", portal_kiosk::staff::hash_pin(&pin)?);
    Ok(())
}
