// The registered probes, one line each, in the order of `probe --help`, the study's rows and the
// report. Each names the function its own file defines (probes/<probe>.cpp) that returns its
// ProbeDefinition; registry.cpp includes this list twice (declarations, then the registry).
// Adding a probe: its file, its test, and one line here.
NETPROBE_PROBE(prune_probe)
NETPROBE_PROBE(binarize_probe)
NETPROBE_PROBE(noise_probe)
NETPROBE_PROBE(flip_probe)
NETPROBE_PROBE(shuffle_probe)
NETPROBE_PROBE(prune_shuffle_probe)
NETPROBE_PROBE(prune_global_probe)
NETPROBE_PROBE(prune_structured_probe)
NETPROBE_PROBE(prune_heads_probe)
