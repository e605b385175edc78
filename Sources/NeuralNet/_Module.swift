// NeuralNet module: placeholder until its first real source lands.
