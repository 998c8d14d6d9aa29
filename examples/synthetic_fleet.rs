//! Writes a synthetic fleet spec: `cargo run --release --example synthetic_fleet -- L /tmp/fleet-l`.

#[path = "../benches/fleet_gen.rs"]
mod fleet_gen;

fn main() {
    let mut args = std::env::args().skip(1);
    let size = match args.next().as_deref() {
        Some("S") => fleet_gen::S,
        Some("M") => fleet_gen::M,
        Some("L") => fleet_gen::L,
        _ => {
            eprintln!("usage: synthetic_fleet S|M|L DIR");
            std::process::exit(2);
        }
    };
    let dir = std::path::PathBuf::from(args.next().unwrap_or_else(|| "fleet".into()));
    if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| fleet_gen::write(&dir, size)) {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
    println!("wrote the {} fleet to {}", size.name, dir.display());
}
