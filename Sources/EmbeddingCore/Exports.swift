// EmbeddingCore re-exports the runtime basics: its API speaks Scalar and SourceLocation.
@_exported import CharvecRuntime
