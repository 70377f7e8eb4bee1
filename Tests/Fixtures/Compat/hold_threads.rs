// Four std::thread workers each hold a 1 MiB Vec at one moment (a barrier), then drop it.
// Under memgate the peak is 4 MiB plus the runtime's own few KiB.
use std::sync::{Arc, Barrier};
use std::thread;

const MEBIBYTE: usize = 1 << 20;

fn main() {
    let held = Arc::new(Barrier::new(4));
    let workers: Vec<_> = (0..4)
        .map(|index| {
            let held = Arc::clone(&held);
            thread::spawn(move || {
                let block = vec![index as u8 + 1; MEBIBYTE];
                held.wait();
                block.iter().map(|&byte| byte as usize).sum::<usize>()
            })
        })
        .collect();
    let total: usize = workers.into_iter().map(|worker| worker.join().unwrap()).sum();
    println!("{}", total);
}
