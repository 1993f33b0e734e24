// A fixed pool of threads working through a list of jobs, results kept in list order; shared
// by sweeps, price thresholds and breakeven curves.
import Dispatch
import Foundation

/// Runs jobs on a fixed pool of threads; results come back in job order.
public enum ParallelRunner {
    /// The number of cores the process may use.
    public static var defaultJobs: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// `body(i)` for i in 0..<count on `jobs` threads (each thread takes the next index when it
    /// is done); `progress(done, count)` after each job, serialized. Results in index order.
    public static func map<T: Sendable>(
        count: Int, jobs: Int = defaultJobs, progress: (@Sendable (Int, Int) -> Void)? = nil,
        _ body: @Sendable (Int) -> T
    ) -> [T] {
        let state = State<T>(count: count)
        let workers = max(1, min(jobs, count))
        @Sendable func work(_: Int) {
            while let i = state.next() {
                let result = body(i)
                state.store(result, at: i, progress: progress)
            }
        }
        if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        return state.results.map { $0! }
    }

    final class State<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var nextIndex = 0
        private var done = 0
        let count: Int
        var results: [T?]

        init(count: Int) {
            self.count = count
            results = Array(repeating: nil, count: count)
        }

        func next() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard nextIndex < count else { return nil }
            nextIndex += 1
            return nextIndex - 1
        }

        func store(_ value: T, at i: Int, progress: (@Sendable (Int, Int) -> Void)?) {
            lock.lock(); defer { lock.unlock() }
            results[i] = value
            done += 1
            progress?(done, count)
        }
    }
}
