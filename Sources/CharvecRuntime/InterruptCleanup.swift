import CSupport

/// Files being written under a temporary name, to delete if the process is interrupted
/// (SIGINT, SIGTERM, SIGHUP) before they are renamed into place.
///
/// The registry lives in C because a signal handler may only make async-signal-safe calls
/// (`unlink`, `signal`, `raise`), which rules out Swift code in the handler.
public enum InterruptCleanup {
    /// Installs the handlers, once at program start: they delete the registered files, then let
    /// the process die of the same signal. Signals that were ignored (nohup) stay ignored.
    public static func installHandlers() { charvec_remove_temporaries_on_interrupt() }

    /// Registers `path`; returns its slot for ``forget(_:)``, or -1 when all 64 slots are taken
    /// (the file is then simply not cleaned up).
    public static func remember(_ path: String) -> Int32 { charvec_remember_temporary(path) }

    /// Unregisters the file in `slot` (a no-op for -1).
    public static func forget(_ slot: Int32) { charvec_forget_temporary(slot) }
}
