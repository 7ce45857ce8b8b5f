# RDMA-safe FS-DAX: the patch series and its test pipeline.
# The two commands: 'make run' (build, boot, demo) and 'make check' (all tests).

S := scripts

.PHONY: help run shell check stress bench tree export build static clean

help:
	@echo "make run      build the patched kernel, boot it in QEMU, show the demo"
	@echo "make check    all tests: static checks, KUnit, kselftests in QEMU"
	@echo "make shell    boot the test VM with an interactive shell"
	@echo "make stress   the stress test, SECONDS=60 per filesystem and device"
	@echo "make bench    what pinned files cost, next to other memory (build/bench/)"
	@echo "make tree     build/linux: the base with patches/ applied (FORCE=1 to"
	@echo "              discard commits that were not exported)"
	@echo "make export   write patches/ from the commits in build/linux"
	@echo "make build    build the kernel and the kselftests only"
	@echo "make static   the static checks on patches/ only"
	@echo "make clean    remove build/ (the download and ccache cache stay)"

run:
	@$(S)/run.sh demo

shell:
	@$(S)/run.sh shell

check:
	@$(S)/check.sh

stress:
	@$(S)/stress.sh $(SECONDS)

bench:
	@$(S)/bench.sh

tree:
	@$(S)/deps.sh
	@$(S)/tree.sh $(if $(FORCE),--force)

export:
	@$(S)/export.sh

build: tree
	@$(S)/build.sh
	@$(S)/build-selftests.sh

static: tree
	@$(S)/check-series.sh

clean:
	rm -rf build
