//! A bounded compile cache: identical sources compile once.

use mlpy_lang::compile::{compile_with, CompileOptions};
use mlpy_lang::syntax::SourceFile;
use mlpy_lang::{CompileError, Program};
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

type Compiled = Result<Arc<Program>, CompileError>;

struct Entry {
    name: Arc<str>,
    text: Arc<str>,
    first_line: u32,
    known: Vec<String>,
    compiled: Compiled,
    last_used: u64,
}

/// Least-recently-used cache keyed by a hash of (name, source).
pub struct CompileCache {
    capacity: usize,
    hasher: ahash::RandomState,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    entries: HashMap<u64, Entry>,
    clock: u64,
    pub hits: u64,
    pub misses: u64,
}

impl CompileCache {
    /// A cache keeping at most `capacity` programs (0: none).
    pub fn new(capacity: usize) -> CompileCache {
        CompileCache {
            capacity,
            hasher: ahash::RandomState::new(),
            state: Mutex::new(State::default()),
        }
    }

    fn key(&self, name: &str, text: &str, first_line: u32, known: &[String]) -> u64 {
        let mut h = self.hasher.build_hasher();
        name.hash(&mut h);
        text.hash(&mut h);
        first_line.hash(&mut h);
        known.hash(&mut h);
        h.finish()
    }

    /// The compiled program for this source, compiling on a miss. `known`
    /// names globals that exist before the code runs (injected globals), so
    /// `nonlocal` may refer to them.
    pub fn get_or_compile(
        &self,
        name: &Arc<str>,
        text: &Arc<str>,
        first_line: u32,
        known: &[String],
    ) -> Compiled {
        let build = || {
            let is_known = |n: &str| known.iter().any(|k| k == n);
            compile_with(
                Arc::new(SourceFile::new(&**name, &**text).with_first_line(first_line)),
                &CompileOptions {
                    known_globals: Some(&is_known),
                },
            )
        };
        if self.capacity == 0 {
            return build();
        }
        let key = self.key(name, text, first_line, known);
        {
            let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
            st.clock += 1;
            let now = st.clock;
            if let Some(e) = st.entries.get_mut(&key) {
                // Compare the text too: a hash collision must not run the
                // wrong program.
                if *e.text == **text
                    && *e.name == **name
                    && e.first_line == first_line
                    && e.known == known
                {
                    e.last_used = now;
                    let compiled = e.compiled.clone();
                    st.hits += 1;
                    return compiled;
                }
            }
            st.misses += 1;
        }
        // Compile outside the lock so workers compile in parallel.
        let compiled = build();
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut evicted = Vec::new();
        if st.entries.len() >= self.capacity && !st.entries.contains_key(&key) {
            // The least recently used quarter goes at once: one scan per
            // capacity/4 misses, not per miss (a suite of distinct programs
            // misses every time).
            let mut ages: Vec<(u64, u64)> =
                st.entries.iter().map(|(k, e)| (e.last_used, *k)).collect();
            let n = (self.capacity / 4).max(1);
            ages.select_nth_unstable(n - 1);
            evicted.extend(ages[..n].iter().filter_map(|(_, k)| st.entries.remove(k)));
        }
        let now = st.clock;
        st.entries.insert(
            key,
            Entry {
                name: name.clone(),
                text: text.clone(),
                first_line,
                known: known.to_vec(),
                compiled: compiled.clone(),
                last_used: now,
            },
        );
        drop(st);
        drop(evicted); // freed outside the lock
        compiled
    }

    /// (hits, misses) so far.
    pub fn stats(&self) -> (u64, u64) {
        let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        (st.hits, st.misses)
    }

    /// How many programs are cached.
    pub fn len(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entries
            .len()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caches_and_evicts() {
        let c = CompileCache::new(2);
        let n: Arc<str> = "a.ml".into();
        let t1: Arc<str> = "x = 1;".into();
        let t2: Arc<str> = "x = 2;".into();
        let t3: Arc<str> = "x = 3;".into();
        let p1 = c.get_or_compile(&n, &t1, 1, &[]).unwrap();
        let p1b = c.get_or_compile(&n, &t1, 1, &[]).unwrap();
        assert!(Arc::ptr_eq(&p1, &p1b));
        c.get_or_compile(&n, &t2, 1, &[]).unwrap();
        c.get_or_compile(&n, &t3, 1, &[]).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c.stats(), (1, 3));
        assert!(c.get_or_compile(&n, &"x = ;".into(), 1, &[]).is_err());
    }
}
