// SPDX-License-Identifier: GPL-2.0
/*
 * mr-register: map a file (or anonymous memory) and register it as an RDMA
 * memory region, saying what happened.  Used by the make run demo.
 *
 *   mr-register [-d IBDEV] [-s SIZE] [-x COMMAND] anon|FILE
 *
 * With -x, COMMAND runs (through sh -c) while the region is registered.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <infiniband/verbs.h>

static struct ibv_context *open_ib_device(const char *name)
{
	struct ibv_device **list, **dev;
	struct ibv_context *ctx = NULL;

	list = ibv_get_device_list(NULL);
	for (dev = list; list && *dev; dev++) {
		if (!name || !strcmp(ibv_get_device_name(*dev), name)) {
			ctx = ibv_open_device(*dev);
			break;
		}
	}
	if (list)
		ibv_free_device_list(list);
	return ctx;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-d IBDEV] [-s SIZE] [-x COMMAND] anon|FILE\n",
		prog);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *ibdev = NULL, *command = NULL, *what;
	size_t size = 2UL << 20;
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_mr *mr;
	void *buf;
	int opt, fd = -1;

	while ((opt = getopt(argc, argv, "d:s:x:")) != -1) {
		switch (opt) {
		case 'd': ibdev = optarg; break;
		case 's': size = strtoul(optarg, NULL, 0); break;
		case 'x': command = optarg; break;
		default: usage(argv[0]);
		}
	}
	if (optind != argc - 1)
		usage(argv[0]);
	what = argv[optind];

	if (!strcmp(what, "anon")) {
		buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	} else {
		fd = open(what, O_RDWR | O_CREAT, 0644);
		if (fd < 0 || (ftruncate(fd, size) && errno != EINVAL)) {
			perror(what);
			return 1;
		}
		buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	}
	if (buf == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(buf, 0, size);

	ctx = open_ib_device(ibdev);
	pd = ctx ? ibv_alloc_pd(ctx) : NULL;
	if (!pd) {
		fprintf(stderr, "no usable RDMA device\n");
		return 1;
	}
	mr = ibv_reg_mr(pd, buf, size, IBV_ACCESS_LOCAL_WRITE |
			IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ);
	if (!mr) {
		printf("ibv_reg_mr(%s, %zu bytes) on %s: failed, %s (%s)\n", what,
		       size, ibv_get_device_name(ctx->device), strerrorname_np(errno),
		       strerror(errno));
		return 1;
	}
	printf("ibv_reg_mr(%s, %zu bytes) on %s: registered, lkey 0x%x\n", what,
	       size, ibv_get_device_name(ctx->device), mr->lkey);
	if (command) {
		printf("while registered: $ %s\n", command);
		fflush(stdout);
		if (system(command))
			printf("  -> failed\n");
	}
	ibv_dereg_mr(mr);
	printf("ibv_dereg_mr: deregistered\n");
	ibv_dealloc_pd(pd);
	ibv_close_device(ctx);
	return 0;
}
