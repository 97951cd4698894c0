//! Batches one after another run on the same threads: dropping a pipeline waits until its threads
//! are idle, and the next pipeline takes them. Its own test binary, so no other test's pipeline
//! takes them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "test code: a failure should stop the run")]

use origo::batch::Pipeline;
use std::collections::HashSet;
use std::sync::{Arc, Barrier};
use std::thread::ThreadId;

/// The threads of a two-thread pipeline: two requests that each wait for the other, so that both
/// threads run one.
fn threads_of_a_batch() -> HashSet<ThreadId> {
    let both = Arc::new(Barrier::new(2));
    let mut pipeline = Pipeline::new(2, move |()| {
        both.wait();
        Ok(std::thread::current().id())
    })
    .unwrap();
    pipeline.submit(Ok(()));
    pipeline.submit(Ok(()));
    let ids = (0..2).map(|_| pipeline.next_answer().unwrap().outcome.unwrap()).collect();
    drop(pipeline);
    ids
}

#[test]
fn successive_batches_reuse_their_threads() {
    let mut seen = HashSet::new();
    for _ in 0..10 {
        let ids = threads_of_a_batch();
        assert_eq!(ids.len(), 2, "each batch ran on two threads");
        seen.extend(ids);
    }
    assert_eq!(seen.len(), 2, "10 batches of two threads ran on {} threads", seen.len());
}
