// Tensor re-exports the runtime basics: its API speaks Scalar and SplitMix64.
@_exported import CharvecRuntime
