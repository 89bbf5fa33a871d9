//! Parallel work with ordered results: `extract` and `ingest` run the pure stages on every core
//! and hand the results, in input order, to one consumer (stdout, or the store's single writer).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

/// Runs `work` over `items` on `jobs` threads and passes each result to `sink` in item order as
/// soon as it and all before it are ready. At most `64 × jobs` results wait at any time, so memory
/// stays bounded whatever the input size. The first error from `sink` stops the workers and is
/// returned.
pub fn ordered<T, R, E>(
    items: &[T],
    jobs: usize,
    work: impl Fn(&T) -> R + Sync,
    mut sink: impl FnMut(usize, R) -> Result<(), E>,
) -> Result<(), E>
where
    T: Sync,
    R: Send,
{
    let jobs = jobs.clamp(1, items.len().max(1));
    let window = 64 * jobs;
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let done = Mutex::new(0usize);
    let moved = Condvar::new();
    let (tx, rx) = mpsc::sync_channel::<(usize, R)>(window);
    std::thread::scope(|s| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let (next, stop, done, moved, work) = (&next, &stop, &done, &moved, &work);
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= items.len() {
                    break;
                }
                // Wait while the consumer is more than a window behind.
                if let Ok(mut d) = done.lock() {
                    while i >= *d + window && !stop.load(Ordering::Relaxed) {
                        d = match moved.wait(d) {
                            Ok(d) => d,
                            Err(_) => return,
                        };
                    }
                }
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                if tx.send((i, work(&items[i]))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut waiting = BTreeMap::new();
        let mut want = 0usize;
        let mut result = Ok(());
        for (i, r) in rx.iter() {
            waiting.insert(i, r);
            while let Some(r) = waiting.remove(&want) {
                if let Err(e) = sink(want, r) {
                    result = Err(e);
                    break;
                }
                want += 1;
                if let Ok(mut d) = done.lock() {
                    *d = want;
                }
                moved.notify_all();
            }
            if result.is_err() {
                break;
            }
        }
        stop.store(true, Ordering::Relaxed);
        moved.notify_all();
        drop(rx);
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_arrive_in_order_and_errors_stop() {
        let items: Vec<u64> = (0..500).collect();
        let mut seen = Vec::new();
        ordered(
            &items,
            4,
            |&x| {
                // Uneven work, so results finish out of order.
                std::thread::sleep(std::time::Duration::from_micros((x * 7919) % 300));
                x * 2
            },
            |i, r| {
                seen.push((i, r));
                Ok::<_, ()>(())
            },
        )
        .unwrap();
        assert_eq!(
            seen,
            items
                .iter()
                .map(|&x| (x as usize, x * 2))
                .collect::<Vec<_>>()
        );
        let mut n = 0;
        let r = ordered(
            &items,
            3,
            |&x| x,
            |i, _| {
                n += 1;
                if i == 10 {
                    Err("stop")
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!((r, n), (Err("stop"), 11));
    }
}
