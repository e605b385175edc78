// EmbeddingAudit module: placeholder until its first real source lands.
