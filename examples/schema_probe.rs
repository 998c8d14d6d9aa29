fn main() { print!("{}", monocle::schema::schema_text()); }
