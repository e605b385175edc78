// Tensor module: placeholder until its first real source lands.
