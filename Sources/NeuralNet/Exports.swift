// NeuralNet re-exports Tensor: its API speaks Matrix, Scalar and SplitMix64.
@_exported import Tensor
