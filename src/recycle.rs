//! Reusing a vector's allocation from one analysis of a document to the next.
//!
//! Why: the server fixes glibc's mmap threshold at 128 KiB ([`crate::lsp::memory`]), so each
//! document-sized vector an analysis builds (the quotation layer's token table, the events,
//! the mentions) is mapped fresh, page-faulted in and unmapped again on every keystroke:
//! 11 MB in 24 allocations per keystroke on a 1 MB document, measured. A buffer kept by the
//! document's analyser between keystrokes costs nothing to reuse and is freed with the
//! document.

/// An empty vector for elements of type `U` that keeps `v`'s allocation when `T` and `U` have
/// the same size and alignment (e.g. the same struct with another lifetime, or `Option<T>` and
/// `T` when `T` has a niche); otherwise `v`'s allocation is freed and the vector is new. `v`'s
/// elements are dropped.
///
/// Safe code: it relies on the standard library collecting `vec::IntoIter` → `Map` → `Vec`
/// in place (not a documented guarantee; `recycling_keeps_the_allocation` checks it), and is
/// correct whether or not that happens.
pub(crate) fn recycle<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    v.into_iter()
        .map(|_| unreachable!("the vector is empty"))
        .collect()
}

/// `v`, emptied, with room for at least `n` elements.
pub(crate) fn cleared<T>(mut v: Vec<T>, n: usize) -> Vec<T> {
    v.clear();
    v.reserve(n);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recycling_keeps_the_allocation() {
        struct Borrowing<'a> {
            _text: &'a str,
            _n: usize,
        }
        let text = String::from("نص");
        let mut v: Vec<Borrowing<'_>> = Vec::with_capacity(1000);
        v.push(Borrowing {
            _text: &text,
            _n: 1,
        });
        let ptr = v.as_ptr() as usize;
        let kept: Vec<Borrowing<'static>> = recycle(v);
        assert!(kept.is_empty());
        assert_eq!(kept.capacity(), 1000);
        assert_eq!(kept.as_ptr() as usize, ptr);

        let strings: Vec<Option<String>> = vec![Some("أ".into()), None];
        let (ptr, cap) = (strings.as_ptr() as usize, strings.capacity());
        let back: Vec<String> = recycle(strings);
        assert_eq!((back.as_ptr() as usize, back.capacity()), (ptr, cap));
    }

    #[test]
    fn another_layout_gets_a_new_vector() {
        let v: Vec<u8> = vec![1; 64];
        let w: Vec<u64> = recycle(v);
        assert!(w.is_empty());
        assert_eq!(cleared(vec![1, 2, 3], 10).len(), 0);
        assert!(cleared(vec![1, 2, 3], 10).capacity() >= 10);
    }
}
