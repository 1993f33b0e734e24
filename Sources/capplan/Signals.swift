import CapPlanKit
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The error a command throws when it stops because a signal arrived.
struct Interrupted: Error {
    let signal: Int32
}

/// SIGINT, SIGTERM, SIGHUP and SIGQUIT (docs/cli.md, "Signals").
///
/// The signals are blocked from their default action and delivered to a dispatch source, so the
/// handler runs on an ordinary thread and may lock and allocate. It cancels `token`, which every
/// solve of the run watches: branch-and-cut stops at its next callback and the command returns
/// through `checkpoint()`, removing its temporary files on the way. Work that cannot be cancelled
/// (a simplex run, a baseline solve, reading a file) is not waited for beyond `grace`: the handler
/// then ends the process itself, through the same `Termination.exit`. Either way standard error
/// gets one line, `capplan: interrupted (SIGINT)`, and the exit code is 128 + the signal's
/// number. A second signal ends the process at once.
enum Interruption {
    /// The token to put in every solve's options.
    static let token = SolveCancellationToken()

    static let grace: DispatchTimeInterval = .seconds(1)

    private static let lock = NSLock()
    nonisolated(unsafe) private static var signal: Int32?
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    private static let queue = DispatchQueue(label: "capplan.signals")

    static let handled: [(number: Int32, name: String)] = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP"), (SIGQUIT, "SIGQUIT")]

    /// The first signal received, if any.
    static var received: Int32? { lock.withLock { signal } }

    static func install() {
        for (number, _) in handled {
            ignoreDefaultAction(of: number)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { receive(number) }
            source.resume()
            sources.append(source)
        }
    }

    private static func receive(_ number: Int32) {
        let first: Bool = lock.withLock {
            if signal != nil { return false }
            signal = number
            return true
        }
        guard first else {
            Termination.exit(ExitStatus.interrupted(by: received ?? number), message: nil, immediately: true)
        }
        token.cancel()
        queue.asyncAfter(deadline: .now() + grace) {
            Termination.exit(ExitStatus.interrupted(by: number), message: nil, immediately: true)
        }
    }

    /// Throws `Interrupted` once a signal has arrived; commands call it after each solve and
    /// before writing.
    static func checkpoint() throws {
        if let received { throw Interrupted(signal: received) }
    }

    static func name(of number: Int32) -> String {
        handled.first { $0.number == number }?.name ?? "signal \(number)"
    }
}

/// Ignores a signal's default action so that only the dispatch source sees it.
private func ignoreDefaultAction(of number: Int32) {
    _ = signal(number, SIG_IGN)
}

/// The one way the process ends once `main` has started.
enum Termination {
    /// Removes pending temporary files, writes `message` to standard error (after a signal,
    /// only the one interruption line instead), and exits. Runs once: a second caller (the signal
    /// handler racing the command's own exit) waits on the lock until the process is gone.
    /// `immediately` skips atexit handlers, for calls from the signal handler's thread while the
    /// main thread still runs.
    static func exit(_ status: Int32, message: String?, immediately: Bool = false) -> Never {
        PendingFiles.lock.lock()  // never unlocked: no write renames or starts after this
        PendingFiles.terminating = true
        PendingFiles.deleteAllLocked()
        var status = status
        if let number = Interruption.received {
            Console.err("capplan: interrupted (\(Interruption.name(of: number)))")
            status = ExitStatus.interrupted(by: number)
        } else {
            if let message { Console.err("error: \(message)") }
            if status == ExitStatus.success, Console.standardErrorFailed.load() { status = ExitStatus.failure }
        }
        if immediately { _exit(status) }
        Foundation.exit(status)
    }
}
