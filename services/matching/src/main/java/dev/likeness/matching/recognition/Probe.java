package dev.likeness.matching.recognition;

import dev.likeness.events.v1.BoundingBox;

/** A face to recognise: its index in the request, where it is, and its embedding (any length-scale). */
public record Probe(int faceIndex, BoundingBox box, float[] embedding) {}
