// SPDX-License-Identifier: GPL-2.0
/*
 * mr-register: map a file (or anonymous memory) and register it as an RDMA
 * memory region, saying what happened.  Used by the make run demo.
 *
 *   mr-register [-d IBDEV | -a ADDR [-w TEXT]] [-s SIZE] [-x COMMAND] anon|FILE
 *
 * -a uses the RDMA device that owns the IPv4 address ADDR, through a
 * loopback connection, and -w TEXT then writes TEXT to the start of the
 * region with an RDMA WRITE from a second buffer.  With -x, COMMAND runs
 * (through sh -c) while the region is registered.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "verbs_util.h"

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-d IBDEV | -a ADDR [-w TEXT]] [-s SIZE] [-x COMMAND] anon|FILE\n",
		prog);
	exit(2);
}

/* RDMA WRITE @text to the start of @mr, from a registered bounce buffer. */
static int rdma_write_text(struct loopback *loop, struct ibv_mr *mr,
			   const char *text)
{
	size_t len = strlen(text);
	struct ibv_mr *src_mr;
	char *src;
	int ret;

	src = malloc(len);
	if (!src)
		return -1;
	memcpy(src, text, len);
	src_mr = ibv_reg_mr(loop->pd, src, len, IBV_ACCESS_LOCAL_WRITE);
	ret = src_mr ? loopback_rdma(loop, IBV_WR_RDMA_WRITE, src_mr, src,
				     len, mr, mr->addr) : -1;
	if (src_mr)
		ibv_dereg_mr(src_mr);
	free(src);
	return ret;
}

static void *map_target(const char *what, size_t size)
{
	int fd;

	if (!strcmp(what, "anon"))
		return mmap(NULL, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fd = open(what, O_RDWR | O_CREAT, 0644);
	if (fd < 0 || (ftruncate(fd, size) && errno != EINVAL)) {
		perror(what);
		exit(1);
	}
	return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
}

int main(int argc, char **argv)
{
	const char *ibdev = NULL, *addr = NULL, *text = NULL, *command = NULL;
	struct loopback loop = {};
	size_t size = 2UL << 20;
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_mr *mr;
	const char *what;
	void *buf;
	int opt;

	while ((opt = getopt(argc, argv, "a:d:s:w:x:")) != -1) {
		switch (opt) {
		case 'a': addr = optarg; break;
		case 'd': ibdev = optarg; break;
		case 's': size = strtoul(optarg, NULL, 0); break;
		case 'w': text = optarg; break;
		case 'x': command = optarg; break;
		default: usage(argv[0]);
		}
	}
	if (optind != argc - 1 || (text && !addr) || (addr && ibdev))
		usage(argv[0]);
	what = argv[optind];

	buf = map_target(what, size);
	if (buf == MAP_FAILED) {
		perror("mmap");
		return 1;
	}

	if (addr) {
		if (loopback_connect(&loop, addr)) {
			fprintf(stderr, "loopback connection on %s: %s\n",
				addr, strerror(errno));
			return 1;
		}
		ctx = loop.active_id->verbs;
		pd = loop.pd;
	} else {
		ctx = open_rdma_device(ibdev);
		pd = ctx ? ibv_alloc_pd(ctx) : NULL;
	}
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
	printf("ibv_reg_mr(%s, %zu bytes) on %s: registered, rkey 0x%x\n", what,
	       size, ibv_get_device_name(ctx->device), mr->rkey);
	if (text) {
		if (rdma_write_text(&loop, mr, text)) {
			printf("RDMA WRITE: failed, %s\n", strerror(errno));
			return 1;
		}
		printf("RDMA WRITE of \"%s\" to byte 0 of the region: completed\n",
		       text);
	}
	if (command) {
		printf("while registered: $ %s\n", command);
		fflush(stdout);
		if (system(command))
			printf("  -> failed\n");
	}
	ibv_dereg_mr(mr);
	printf("ibv_dereg_mr: deregistered\n");
	if (addr) {
		loopback_destroy(&loop);
	} else {
		ibv_dealloc_pd(pd);
		ibv_close_device(ctx);
	}
	return 0;
}
