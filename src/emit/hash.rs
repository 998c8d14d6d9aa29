//! The hasher the emitter and the layout use to find equal items.

use std::hash::Hasher;

/// `FxHash` (rustc's): a few instructions per eight bytes where SipHash
/// took several per byte. For finding equal items among a fleet's files
/// and models; whatever hashes alike is still compared in full, so only
/// speed depends on it.
#[derive(Default)]
pub struct FastHasher(u64);

/// Hash maps keyed with [`FastHasher`].
pub type FastState = std::hash::BuildHasherDefault<FastHasher>;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.add(u64::from_le_bytes(word.try_into().unwrap_or_default()));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
