// SPDX-License-Identifier: GPL-2.0
/*
 * What an RDMA memory region over an rdma_pin file costs, next to the
 * memory that users register today, and what the filesystem pays.
 *
 * Prints one CSV row per measurement on stdout:
 *   section,case,param,rep,seconds,count
 * seconds is the time that count operations (registrations, RDMA
 * operations, layout changes) took, or that one registration of param MiB
 * took.  Progress goes to stderr.  scripts/bench-report.py turns the rows
 * into the table and the figures.
 *
 * Environment (unset ones skip their cases, with a "skip" row):
 *   BENCH_IBDEV, BENCH_ADDR      RDMA device and its IPv4 address
 *   BENCH_XFS_PIN, BENCH_EXT4_PIN  dirs of dax=always,rdma_pin filesystems
 *   BENCH_XFS_DAX, BENCH_EXT4_DAX  dirs of dax=always filesystems
 *   BENCH_DEVDAX                 a device-DAX character device
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/falloc.h>
#include <linux/fs.h>

#include "verbs_util.h"

#define MB		(1UL << 20)
#define PMD		(2 * MB)
#define MR_ACCESS	(IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | \
			 IBV_ACCESS_REMOTE_READ)

enum kind { ANON, THP, HUGETLB, DEVDAX, FSDAX };

struct backing {
	const char *name;
	enum kind kind;
	const char *env;	/* FSDAX: its directory; DEVDAX: the device */
	bool pte;		/* FSDAX: mapped with PTEs, not PMDs */
	bool holes;		/* FSDAX: a new sparse file for each registration */
	bool odp;		/* register on demand, without pinning */
};

static const struct backing backings[] = {
	{ "anon-4k", ANON },
	{ "anon-thp", THP },
	{ "hugetlb-2m", HUGETLB },
	{ "devdax", DEVDAX, "BENCH_DEVDAX" },
	{ "xfs-pin-pmd", FSDAX, "BENCH_XFS_PIN" },
	{ "ext4-pin-pmd", FSDAX, "BENCH_EXT4_PIN" },
	{ "xfs-pin-pte", FSDAX, "BENCH_XFS_PIN", .pte = true },
	{ "ext4-pin-pte", FSDAX, "BENCH_EXT4_PIN", .pte = true },
	{ "xfs-pin-holes", FSDAX, "BENCH_XFS_PIN", .holes = true },
	{ "ext4-pin-holes", FSDAX, "BENCH_EXT4_PIN", .holes = true },
	{ "xfs-dax-odp", FSDAX, "BENCH_XFS_DAX", .odp = true },
};
#define NR_BACKINGS	(sizeof(backings) / sizeof(backings[0]))

struct mapping {
	void *addr;		/* the mapping, size bytes */
	void *reserved;		/* what was reserved around it */
	size_t reserved_len;
	int fd;
	char path[256];
};

static size_t size = 256 * MB;
static int reps = 5;
static struct ibv_pd *pd;
static bool others_only;	/* only what users of no DAX file pin pay */
static const char *only_cases;	/* -c: only the registration of these */
static bool only_layout;	/* -l: only the layout changes */
static bool only_tenants;	/* -t: only one tenant's cost to another */
static struct loopback loop;
static bool have_loop;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void row(const char *section, const char *name, const char *param,
		int rep, double seconds, long count)
{
	printf("%s,%s,%s,%d,%.9f,%ld\n", section, name, param, rep, seconds, count);
	fflush(stdout);
}

static void skip(const char *section, const char *name, const char *why)
{
	printf("%s,%s,skip,0,0,0\n", section, name);
	fprintf(stderr, "  %s %s: skipped: %s\n", section, name, why);
}

static void __attribute__((noreturn)) fail(const char *what)
{
	fprintf(stderr, "rdma_pin_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Reserve size + 2 MiB of address space: @pte maps at 4 KiB past a PMD. */
static void *reserve(struct mapping *m, bool pte)
{
	uintptr_t a;

	m->reserved_len = size + PMD;
	m->reserved = mmap(NULL, m->reserved_len, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->reserved == MAP_FAILED)
		fail("mmap");
	a = ((uintptr_t)m->reserved + PMD - 1) & ~(PMD - 1);
	return (void *)(pte ? a + 4096 : a);
}

/*
 * How many kB of [@addr, @addr + size) are mapped huge (PMD or hugetlb).
 * smaps' FilePmdMapped does not count DAX PMDs, which are ZONE_DEVICE
 * folios; PAGEMAP_SCAN's PAGE_IS_HUGE does.
 */
static long huge_kb(void *addr)
{
	struct page_region regions[32];
	struct pm_scan_arg arg = {
		.size = sizeof(arg),
		.start = (uintptr_t)addr,
		.end = (uintptr_t)addr + size,
		.vec = (uintptr_t)regions,
		.vec_len = 32,
		.category_mask = PAGE_IS_HUGE | PAGE_IS_PRESENT,
		.return_mask = PAGE_IS_HUGE,
	};
	long bytes = 0;
	int fd, n, i;

	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		fail("/proc/self/pagemap");
	do {
		n = ioctl(fd, PAGEMAP_SCAN, &arg);
		if (n < 0)
			fail("PAGEMAP_SCAN");
		for (i = 0; i < n; i++)
			bytes += regions[i].end - regions[i].start;
		arg.start = arg.walk_end;
	} while (n == 32 && arg.start < arg.end);
	close(fd);
	return bytes / 1024;
}

/* Store to every page, as a user of the memory would before registering it. */
static void prefault(void *addr)
{
	volatile char *p = addr;
	size_t off;

	for (off = 0; off < size; off += 4096)
		p[off] = p[off];
}

/* A new, fully written (or, with @holes, sparse) file of @bytes. */
static int new_file(const char *dir, char *path, size_t len, size_t bytes,
		    bool holes)
{
	static char buf[MB];
	size_t off;
	int fd;

	snprintf(path, len, "%s/bench.XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0)
		fail(path);
	if (holes) {
		if (ftruncate(fd, bytes))
			fail("ftruncate");
		return fd;
	}
	/* One allocation, which the filesystem aligns to its stripe unit. */
	if (fallocate(fd, 0, 0, bytes))
		fail("fallocate");
	memset(buf, 0x5a, sizeof(buf));
	for (off = 0; off < bytes; off += sizeof(buf))
		if (pwrite(fd, buf, sizeof(buf), off) != sizeof(buf))
			fail("pwrite");
	if (fsync(fd))
		fail("fsync");
	return fd;
}

/* Map @b; false if its environment is missing. */
static bool map_backing(const struct backing *b, struct mapping *m, bool touch)
{
	const char *where = b->env ? getenv(b->env) : NULL;
	int flags = MAP_SHARED | MAP_FIXED;
	void *want;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	if (b->env && !where)
		return false;
	want = reserve(m, b->pte);
	switch (b->kind) {
	case ANON:
	case THP:
		m->addr = mmap(want, size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (m->addr != MAP_FAILED)
			madvise(m->addr, size, b->kind == THP ? MADV_HUGEPAGE :
							       MADV_NOHUGEPAGE);
		break;
	case HUGETLB:
		m->addr = mmap(want, size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
			       MAP_FIXED, -1, 0);
		break;
	case DEVDAX:
		m->fd = open(where, O_RDWR);
		if (m->fd < 0)
			fail(where);
		m->addr = mmap(want, size, PROT_READ | PROT_WRITE, flags, m->fd, 0);
		break;
	case FSDAX:
		m->fd = new_file(where, m->path, sizeof(m->path), size, b->holes);
		m->addr = mmap(want, size, PROT_READ | PROT_WRITE, flags, m->fd, 0);
		break;
	}
	if (m->addr == MAP_FAILED)
		fail(b->name);
	if (b->kind == ANON || b->kind == THP || b->kind == HUGETLB)
		memset(m->addr, 0x5a, size);
	else if (touch && !b->holes && !b->odp)
		prefault(m->addr);
	return true;
}

/*
 * Is @b mapped as its name claims (PMDs or PTEs, huge pages)?  Checked after
 * registration; a "mapping" row records each check, and the report refuses
 * figures whose mapping was not what they claim.
 */
static void check_mapping(const struct backing *b, struct mapping *m, int rep)
{
	long want = size / 1024, kb;
	bool ok;

	if (b->odp)
		return;
	kb = huge_kb(m->addr);
	ok = b->kind == ANON || b->pte ? kb == 0 : kb == want;
	printf("mapping,%s,%s,%d,0,%ld\n", b->name, ok ? "as-claimed" : "wrong",
	       rep, kb);
	if (!ok)
		fprintf(stderr, "  %s: %ld kB of %ld mapped huge: not as claimed\n",
			b->name, kb, want);
}

/*
 * Commit the filesystem of @path's directory: blocks freed by an unlink are
 * not allocated again before the transaction that freed them commits, so
 * without this each repetition would allocate from what the ones before it
 * left, less and less of it aligned.
 */
static void commit_fs(const char *path)
{
	char dir[sizeof(((struct mapping *)0)->path)];
	char *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY);
	if (fd < 0 || syncfs(fd))
		fail(dir);
	close(fd);
}

static void unmap_backing(struct mapping *m)
{
	munmap(m->reserved, m->reserved_len);
	if (m->fd >= 0)
		close(m->fd);
	if (m->path[0]) {
		unlink(m->path);
		commit_fs(m->path);
	}
}

static int access_of(const struct backing *b)
{
	return MR_ACCESS | (b->odp ? IBV_ACCESS_ON_DEMAND : 0);
}

static bool odp_supported(struct ibv_context *ctx)
{
	struct ibv_device_attr_ex attr;
	uint32_t rc = IBV_ODP_SUPPORT_WRITE | IBV_ODP_SUPPORT_READ;

	if (ibv_query_device_ex(ctx, NULL, &attr))
		return false;
	return (attr.odp_caps.general_caps & IBV_ODP_SUPPORT) &&
	       (attr.odp_caps.per_transport_caps.rc_odp_caps & rc) == rc;
}

/* Is @name in -c's comma-separated list, or is there no list? */
static bool case_selected(const char *name)
{
	size_t len = strlen(name);
	const char *p = only_cases;

	if (!p)
		return true;
	for (; (p = strstr(p, name)); p += len)
		if ((p == only_cases || p[-1] == ',') && (!p[len] || p[len] == ','))
			return true;
	return false;
}

/* Is @b one to register here?  Says why not, once, if it is not. */
static bool backing_wanted(const struct backing *b, bool odp, const char *section)
{
	if (others_only && b->kind == FSDAX)
		return false;
	if (!case_selected(b->name))
		return false;
	if (b->odp && !odp) {
		skip(section, b->name, "the device has no ODP for RC");
		return false;
	}
	return true;
}

/* Register and deregister @b once, as repetition @rep; false if it cannot. */
static bool register_once(const struct backing *b, const char *param, int rep)
{
	struct mapping m;
	struct ibv_mr *mr;
	double t0, t1, t2;

	if (!map_backing(b, &m, true)) {
		skip("reg", b->name, "not configured");
		return false;
	}
	t0 = now();
	mr = ibv_reg_mr(pd, m.addr, size, access_of(b));
	t1 = now();
	if (!mr && b->odp) {
		skip("reg", b->name, strerror(errno));
		unmap_backing(&m);
		return false;
	}
	if (!mr)
		fail(b->name);
	check_mapping(b, &m, rep);
	if (ibv_dereg_mr(mr))
		fail("ibv_dereg_mr");
	t2 = now();
	row("reg", b->name, param, rep, t1 - t0, 1);
	row("dereg", b->name, param, rep, t2 - t1, 1);
	unmap_backing(&m);
	return true;
}

/*
 * Registration and deregistration of size bytes over each backing, one
 * repetition of each in turn: whatever slows the machine for a while
 * slows them all, not the one that happened to run then.
 */
static void bench_registration(bool odp)
{
	bool wanted[NR_BACKINGS];
	char param[32];
	unsigned int i;
	int rep;

	snprintf(param, sizeof(param), "%zu", size / MB);
	for (i = 0; i < NR_BACKINGS; i++)
		wanted[i] = backing_wanted(&backings[i], odp, "reg");
	for (rep = 0; rep < reps; rep++) {
		fprintf(stderr, "  registration: repetition %d of %d\n", rep + 1, reps);
		for (i = 0; i < NR_BACKINGS; i++)
			if (wanted[i] && !register_once(&backings[i], param, rep))
				wanted[i] = false;
	}
}

/* An RDMA WRITE or READ pass of @ops transfers of @xfer bytes over @mr. */
typedef double rdma_pass_fn(enum ibv_wr_opcode op, struct ibv_mr *local,
			    struct ibv_mr *mr, void *addr, size_t xfer, long ops);

/* A pass one transfer at a time, each waiting for the one before: latency. */
static double rdma_pass(enum ibv_wr_opcode op, struct ibv_mr *local,
			struct ibv_mr *mr, void *addr, size_t xfer, long ops)
{
	double t0 = now();
	long i;

	for (i = 0; i < ops; i++) {
		size_t off = (i * xfer) % size;

		if (loopback_rdma(&loop, op, local, local->addr, xfer, mr,
				  (char *)addr + off))
			fail("RDMA");
	}
	return now() - t0;
}

/*
 * How many work requests may be in flight on the loopback connection: what
 * its send queue holds, and its completion queue has room for.
 */
static long send_depth(void)
{
	struct ibv_qp_init_attr init;
	struct ibv_qp_attr attr;
	long cq = loop.cq->cqe;

	if (ibv_query_qp(loop.active_id->qp, &attr, IBV_QP_CAP, &init))
		fail("ibv_query_qp");
	return (long)attr.cap.max_send_wr < cq ? (long)attr.cap.max_send_wr : cq;
}

/* Wait for one completion of the loopback connection's send queue. */
static void reap_one(void)
{
	struct ibv_wc wc;
	int n;

	do {
		n = ibv_poll_cq(loop.cq, 1, &wc);
	} while (n == 0);
	if (n < 0 || wc.status != IBV_WC_SUCCESS) {
		errno = EIO;
		fail("RDMA completion");
	}
}

/*
 * The same as rdma_pass(), with as many in flight as the send queue holds:
 * bandwidth.  Every work request is signalled (the queue's sq_sig_all); a
 * WRITE pass ends with a READ behind it, which is answered only once the
 * WRITEs are placed.
 */
static double rdma_stream(enum ibv_wr_opcode op, struct ibv_mr *local,
			  struct ibv_mr *mr, void *addr, size_t xfer, long ops)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)local->addr, .length = xfer, .lkey = local->lkey,
	};
	struct ibv_send_wr wr = {
		.sg_list = &sge, .num_sge = 1, .opcode = op,
		.send_flags = IBV_SEND_SIGNALED,
		.wr.rdma.rkey = mr->rkey,
	}, *bad;
	long posted, done = 0, depth = send_depth();
	double t0 = now();

	for (posted = 0; posted < ops; posted++) {
		if (posted - done == depth) {
			reap_one();
			done++;
		}
		wr.wr.rdma.remote_addr = (uintptr_t)addr + (posted * xfer) % size;
		errno = ibv_post_send(loop.active_id->qp, &wr, &bad);
		if (errno)
			fail("ibv_post_send");
	}
	for (; done < ops; done++)
		reap_one();
	if (op == IBV_WR_RDMA_WRITE &&
	    loopback_rdma(&loop, IBV_WR_RDMA_READ, local, local->addr, 1, mr, addr))
		fail("RDMA");
	return now() - t0;
}

/* A backing of the data path: mapped and registered for all its passes. */
struct data_mr {
	const struct backing *b;
	struct mapping m;
	struct ibv_mr *mr;
};

/* Map and register @b for the data path; false if it cannot be. */
static bool data_mr_open(struct data_mr *d, const struct backing *b)
{
	d->b = b;
	if (!map_backing(b, &d->m, true)) {
		skip("write", b->name, "not configured");
		return false;
	}
	d->mr = ibv_reg_mr(pd, d->m.addr, size, access_of(b));
	if (!d->mr && b->odp) {
		skip("write", b->name, strerror(errno));
		unmap_backing(&d->m);
		return false;
	}
	if (!d->mr)
		fail(b->name);
	return true;
}

/* ODP: the first access of each page faults it in; then the same again. */
static void odp_first_access(struct data_mr *d, struct ibv_mr *local, long bytes)
{
	long ops = bytes / 65536 < (long)(size / 65536) ?
		   bytes / 65536 : (long)(size / 65536);

	row("odp-first", d->b->name, "65536", 0,
	    rdma_pass(IBV_WR_RDMA_WRITE, local, d->mr, d->m.addr, 65536, ops), ops);
	row("odp-again", d->b->name, "65536", 0,
	    rdma_pass(IBV_WR_RDMA_WRITE, local, d->mr, d->m.addr, 65536, ops), ops);
}

/*
 * RDMA WRITE and READ into each backing: the bandwidth of 64 KiB transfers,
 * a queue's worth in flight, and the latency of 4 KiB ones, one at a time.
 * All backings are registered at once and take turns, as in
 * bench_registration(); each is 64 MiB at most, which the passes cycle
 * through, so that they all fit in the guest's memory together.
 */
static void bench_data_path(bool odp, long bytes)
{
	static const size_t xfers[] = { 65536, 4096 };
	static rdma_pass_fn *const passes[] = { rdma_stream, rdma_pass };
	struct data_mr dmr[NR_BACKINGS];
	size_t full_size = size;
	unsigned int i, n = 0, x;
	struct ibv_mr *local;
	void *buf;
	int rep;

	row("inflight", "loopback", "depth", 0, 0, send_depth());
	buf = aligned_alloc(4096, 65536);
	memset(buf, 0xa5, 65536);
	local = ibv_reg_mr(pd, buf, 65536, MR_ACCESS);
	if (!local)
		fail("local MR");
	if (size > 64 * MB)
		size = 64 * MB;
	for (i = 0; i < NR_BACKINGS; i++) {
		const struct backing *b = &backings[i];

		if (b->holes || b->pte || !backing_wanted(b, odp, "write"))
			continue;
		if (!data_mr_open(&dmr[n], b))
			continue;
		if (b->odp)
			odp_first_access(&dmr[n], local, bytes);
		n++;
	}
	for (x = 0; x < 2; x++) {
		long ops = bytes / xfers[x] / (xfers[x] == 4096 ? 4 : 1);
		char param[16];

		snprintf(param, sizeof(param), "%zu", xfers[x]);
		for (rep = 0; rep < reps; rep++) {
			fprintf(stderr, "  data path, %zu bytes at a time: repetition %d of %d\n",
				xfers[x], rep + 1, reps);
			for (i = 0; i < n; i++) {
				struct data_mr *d = &dmr[i];

				row("write", d->b->name, param, rep,
				    passes[x](IBV_WR_RDMA_WRITE, local, d->mr,
					      d->m.addr, xfers[x], ops), ops);
				row("read", d->b->name, param, rep,
				    passes[x](IBV_WR_RDMA_READ, local, d->mr,
					      d->m.addr, xfers[x], ops), ops);
			}
		}
	}
	for (i = 0; i < n; i++) {
		ibv_dereg_mr(dmr[i].mr);
		unmap_backing(&dmr[i].m);
	}
	size = full_size;
	ibv_dereg_mr(local);
	free(buf);
}

/* One layout change of @fd at @off, timed; the file is restored after. */
static double layout_op(const char *op, int fd, int src, off_t off)
{
	struct file_clone_range clone = {
		.src_fd = src, .src_offset = 0, .src_length = PMD,
		.dest_offset = off,
	};
	double t0 = now(), t;
	int ret;

	if (!strcmp(op, "punch"))
		ret = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, PMD);
	else if (!strcmp(op, "truncate"))
		ret = ftruncate(fd, off);
	else if (!strcmp(op, "fallocate"))
		ret = fallocate(fd, FALLOC_FL_ZERO_RANGE, off, PMD);
	else
		ret = ioctl(fd, FICLONERANGE, &clone);
	t = now() - t0;
	if (ret && errno == ETXTBSY)
		return -t;
	if (ret)
		fail(op);
	if (!strcmp(op, "truncate") && ftruncate(fd, 16 * MB))
		fail("ftruncate");
	if (strcmp(op, "reflink") && fallocate(fd, 0, off, 16 * MB - off))
		fail("fallocate");
	return t;
}

/* @n layout changes of kind @op on a 16 MiB file in @dir; their time. */
static double layout_loop(const char *dir, const char *op, long n, off_t off)
{
	char path[256], src_path[256];
	double total = 0, t;
	int fd, src;
	long i;

	fd = new_file(dir, path, sizeof(path), 16 * MB, false);
	src = new_file(dir, src_path, sizeof(src_path), PMD, false);
	for (i = 0; i < n; i++) {
		t = layout_op(op, fd, src, off);
		if (t < 0)
			fail("a layout change of an unpinned file was refused");
		total += t;
	}
	close(src);
	unlink(src_path);
	close(fd);
	unlink(path);
	return total;
}

/*
 * Layout changes of unpinned files on an rdma_pin filesystem and on a plain
 * dax=always one, and refused ones next to a growing number of pins.
 */
static void bench_filesystem(long n)
{
	static const char *const ops[] = { "truncate", "punch", "fallocate", "reflink" };
	static const struct { const char *name, *pin, *dax; bool reflink; } fss[] = {
		{ "xfs", "BENCH_XFS_PIN", "BENCH_XFS_DAX", true },
		{ "ext4", "BENCH_EXT4_PIN", "BENCH_EXT4_DAX", false },
	};
	unsigned int f, o;
	int rep;

	for (f = 0; f < 2; f++) {
		const char *pin = getenv(fss[f].pin), *dax = getenv(fss[f].dax);
		char name[64];

		if ((!pin && !others_only) || !dax) {
			skip("layout", fss[f].name, "not configured");
			continue;
		}
		fprintf(stderr, "  layout changes: %s\n", fss[f].name);
		for (o = 0; o < 4; o++) {
			if (!strcmp(ops[o], "reflink") && !fss[f].reflink)
				continue;
			/* A first loop of each, untimed: caches and allocators warm. */
			if (!others_only)
				layout_loop(pin, ops[o], n, 8 * MB);
			layout_loop(dax, ops[o], n, 8 * MB);
			for (rep = 0; rep < reps; rep++) {
				snprintf(name, sizeof(name), "%s-pin", fss[f].name);
				if (!others_only)
					row("layout", name, ops[o], rep,
					    layout_loop(pin, ops[o], n, 8 * MB), n);
				snprintf(name, sizeof(name), "%s-dax", fss[f].name);
				row("layout", name, ops[o], rep,
				    layout_loop(dax, ops[o], n, 8 * MB), n);
			}
		}
	}
}

/*
 * The cost of the check against the pins of one inode: punch a pinned
 * unit (refused) and an unpinned one (allowed) of a file that holds 1, 10,
 * 100, ... regions, each over one page of the first 8 MiB.
 */
static void bench_pin_count(long n, long max_pins)
{
	const char *dir = getenv("BENCH_XFS_PIN");
	struct ibv_mr **mrs;
	char path[256], param[32];
	long pins = 0, goal, i;
	size_t len = 16 * MB;
	double t0;
	void *addr;
	int fd, rep;

	if (!dir) {
		skip("check", "xfs-pin", "not configured");
		return;
	}
	fd = new_file(dir, path, sizeof(path), len, false);
	addr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (addr == MAP_FAILED)
		fail("mmap");
	mrs = calloc(max_pins, sizeof(*mrs));
	for (goal = 1; goal <= max_pins; goal *= 10) {
		fprintf(stderr, "  check against %ld pins\n", goal);
		t0 = now();
		for (; pins < goal; pins++) {
			mrs[pins] = ibv_reg_mr(pd, (char *)addr + (pins % 2048) * 4096,
					       4096, MR_ACCESS);
			if (!mrs[pins])
				fail("ibv_reg_mr");
		}
		snprintf(param, sizeof(param), "%ld", goal);
		row("pin-reg", "xfs-pin", param, 0, now() - t0, pins);
		for (rep = 0; rep < reps; rep++) {
			t0 = now();
			for (i = 0; i < n; i++)
				if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					      0, 4096) == 0 || errno != ETXTBSY)
					fail("a punch of a pinned page was not refused");
			row("check-refused", "xfs-pin", param, rep, now() - t0, n);
			t0 = now();
			for (i = 0; i < n; i++)
				if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					      12 * MB, 4096) ||
				    fallocate(fd, 0, 12 * MB, 4096))
					fail("punch of an unpinned page");
			row("check-allowed", "xfs-pin", param, rep, now() - t0, n);
		}
	}
	for (i = 0; i < pins; i++)
		ibv_dereg_mr(mrs[i]);
	free(mrs);
	munmap(addr, len);
	close(fd);
	unlink(path);
}

/* What the small tenant saw: when each registration started, how long. */
struct tenant_log {
	volatile bool stop;
	volatile long n;
	struct { double start, seconds; } reg[1 << 16];
};

/*
 * The small tenant: another process, with its own device context, that
 * registers and deregisters 4 KiB of its own rdma_pin file in a loop until
 * told to stop.
 */
static void __attribute__((noreturn)) small_tenant(const char *dir,
						   struct tenant_log *log)
{
	struct ibv_context *ctx = open_rdma_device(getenv("BENCH_IBDEV"));
	struct ibv_pd *own_pd = ctx ? ibv_alloc_pd(ctx) : NULL;
	struct ibv_mr *mr;
	char path[256];
	void *addr;
	double t0;
	int fd;

	if (!own_pd)
		fail("small tenant: ibv_alloc_pd");
	fd = new_file(dir, path, sizeof(path), PMD, false);
	addr = mmap(NULL, PMD, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (addr == MAP_FAILED)
		fail("small tenant: mmap");
	*(volatile char *)addr = 1;
	while (!log->stop && log->n < (long)(sizeof(log->reg) / sizeof(log->reg[0]))) {
		t0 = now();
		mr = ibv_reg_mr(own_pd, addr, 4096, MR_ACCESS);
		if (!mr)
			fail("small tenant: ibv_reg_mr");
		log->reg[log->n].seconds = now() - t0;
		log->reg[log->n].start = t0;
		log->n++;
		ibv_dereg_mr(mr);
	}
	unlink(path);
	_exit(0);
}

/*
 * What one tenant's deregistration costs another tenant: the latency of
 * another process's 4 KiB registrations while a region of size bytes over
 * an rdma_pin file, mapped with PTEs (a held folio per page), deregisters,
 * next to their latency while nothing else happens.  Rows: "tenant-idle"
 * and "tenant-dereg", one per small registration (count 1), and
 * "tenant-big-dereg", the big deregistration itself.
 */
static void bench_tenants(void)
{
	const struct backing *big = NULL;
	struct tenant_log *log;
	struct mapping m;
	struct ibv_mr *mr;
	double t0, t1;
	char param[32];
	unsigned int i;
	pid_t child;
	long k;
	int rep;

	for (i = 0; i < NR_BACKINGS; i++)
		if (!strcmp(backings[i].name, "xfs-pin-pte"))
			big = &backings[i];
	if (!getenv(big->env)) {
		skip("tenant", big->name, "not configured");
		return;
	}
	snprintf(param, sizeof(param), "%zu", size / MB);
	log = mmap(NULL, sizeof(*log), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (log == MAP_FAILED)
		fail("mmap");
	for (rep = 0; rep < reps; rep++) {
		fprintf(stderr, "  tenants: repetition %d of %d\n", rep + 1, reps);
		map_backing(big, &m, true);
		mr = ibv_reg_mr(pd, m.addr, size, MR_ACCESS);
		if (!mr)
			fail("ibv_reg_mr");
		check_mapping(big, &m, rep);
		memset(log, 0, sizeof(*log));
		fflush(stdout);
		child = fork();
		if (child < 0)
			fail("fork");
		if (!child)
			small_tenant(getenv(big->env), log);
		/* A baseline first, then the big deregistration. */
		while (log->n < 50)
			usleep(10000);
		t0 = now();
		if (ibv_dereg_mr(mr))
			fail("ibv_dereg_mr");
		t1 = now();
		usleep(200000);
		log->stop = true;
		waitpid(child, NULL, 0);
		row("tenant-big-dereg", big->name, param, rep, t1 - t0, 1);
		for (k = 0; k < log->n; k++) {
			if (log->reg[k].start + log->reg[k].seconds < t0)
				row("tenant-idle", big->name, param, rep,
				    log->reg[k].seconds, 1);
			else if (log->reg[k].start < t1)
				row("tenant-dereg", big->name, param, rep,
				    log->reg[k].seconds, 1);
		}
		unmap_backing(&m);
	}
	munmap(log, sizeof(*log));
}

static void usage(void)
{
	fprintf(stderr,
		"usage: rdma_pin_bench [-e] [-c CASES | -l | -t] [-s MiB] [-r REPS] [-n OPS]\n"
		"                      [-p MAX_PINS]\n"
		"                      [-b MiB]\n"
		"  -s  size of each registration (256)   -r  repetitions (5)\n"
		"  -n  layout changes per loop (400)     -p  most pins on one inode (10000)\n"
		"  -b  MiB moved per data path figure (16)\n"
		"  -e  only what everyone else pays: no FS-DAX registration, no rdma_pin\n"
		"      filesystem (for comparing with a kernel without the series)\n"
		"  -c  only the registration of CASES, comma-separated (anon-4k,\n"
		"      devdax, xfs-pin-pmd, ...), for profiling them or for a quick look\n"
		"  -l  only the layout changes of unpinned files\n"
		"  -t  only another tenant's 4 KiB registrations while a region of\n"
		"      -s MiB over a PTE-mapped rdma_pin file deregisters (rows\n"
		"      tenant-*, which the full run ends with)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long ops = 400, max_pins = 10000, bytes = 16 * MB;
	struct ibv_context *ctx;
	bool odp;
	int c;

	while ((c = getopt(argc, argv, "ec:lts:r:n:p:b:")) != -1) {
		switch (c) {
		case 'e': others_only = true; break;
		case 'c': only_cases = optarg; break;
		case 'l': only_layout = true; break;
		case 't': only_tenants = true; break;
		case 's': size = strtoul(optarg, NULL, 0) * MB; break;
		case 'r': reps = atoi(optarg); break;
		case 'n': ops = atol(optarg); break;
		case 'p': max_pins = atol(optarg); break;
		case 'b': bytes = atol(optarg) * MB; break;
		default: usage();
		}
	}
	if (!size || size % PMD || reps < 1 || ops < 1 || max_pins < 1)
		usage();
	ctx = open_rdma_device(getenv("BENCH_IBDEV"));
	if (!ctx)
		fail("no RDMA device");
	pd = ibv_alloc_pd(ctx);
	if (!pd)
		fail("ibv_alloc_pd");
	odp = odp_supported(ctx);
	printf("section,case,param,rep,seconds,count\n");
	if (only_layout) {
		bench_filesystem(ops);
		return 0;
	}
	if (only_tenants) {
		bench_tenants();
		return 0;
	}
	bench_registration(odp);
	if (only_cases)
		return 0;
	if (others_only) {
		bench_filesystem(ops);
		return 0;
	}
	if (getenv("BENCH_ADDR")) {
		if (loopback_connect(&loop, getenv("BENCH_ADDR")))
			fail("loopback");
		have_loop = true;
		/* The data path's MRs belong to the connection's PD. */
		pd = loop.pd;
		bench_data_path(odp, bytes);
		pd = ibv_alloc_pd(ctx);
	} else {
		skip("write", "all", "BENCH_ADDR is not set");
	}
	bench_filesystem(ops);
	bench_pin_count(ops, max_pins);
	bench_tenants();
	if (have_loop)
		loopback_destroy(&loop);
	return 0;
}
