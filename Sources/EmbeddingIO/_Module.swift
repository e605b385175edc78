// EmbeddingIO
