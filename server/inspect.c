/* SPDX-License-Identifier: GPL-3.0-or-later */
/* perizinan-inspect: opens one uploaded document and says what it is.
 *
 * Uploads come from the public, and some files make document libraries
 * loop or grow without end, or worse. The server runs this program for
 * each upload with limits on memory and CPU time, so such a file costs one
 * refused upload and never the server. Before a library sees a byte of the
 * file, the program locks itself in: it can open no file (not the
 * database, not the signing key), make no socket, run no program and
 * signal no other process, by a seccomp filter and, where the kernel has
 * it, Landlock as well. It prints one line of JSON: the type and pages, or
 * the problem, and which confinement held. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <poppler.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pz-inspect.h"

static const char *sandbox = "none";

static void
limit (int    resource,
       rlim_t value)
{
  struct rlimit rl = { value, value };
  setrlimit (resource, &rl);
}

/* Ends without the exit handlers: a sanitizer's leak check at exit needs
 * /proc and ptrace, which the confinement has taken away. */
static int G_GNUC_NORETURN
finish (void)
{
  fflush (stdout);
  _exit (0);
}

static int
answer_error (const char *problem)
{
  printf ("{\"error\":\"%s\",\"sandbox\":\"%s\"}\n", problem, sandbox);
  return finish ();
}

/* Landlock: no file may be opened, read, written or made anywhere. Files
 * open already stay usable. */
static gboolean
confine_landlock (void)
{
#ifdef LANDLOCK_CREATE_RULESET_VERSION
  struct landlock_ruleset_attr attr = { 0 };
  long abi = syscall (SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
  int fd;

  if (abi < 1)
    return FALSE;
  attr.handled_access_fs = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                           LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
                           LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
                           LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |
                           LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
                           LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
                           LANDLOCK_ACCESS_FS_MAKE_SYM;
#ifdef LANDLOCK_ACCESS_FS_REFER
  if (abi >= 2)
    attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
#endif
  fd = (int) syscall (SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (fd < 0)
    return FALSE;
  if (syscall (SYS_landlock_restrict_self, fd, 0) != 0)
    {
      close (fd);
      return FALSE;
    }
  close (fd);
  return TRUE;
#else
  return FALSE;
#endif
}

#if defined(__x86_64__)
#define PZ_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define PZ_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define PZ_AUDIT_ARCH AUDIT_ARCH_I386
#elif defined(__arm__)
#define PZ_AUDIT_ARCH AUDIT_ARCH_ARM
#elif defined(__riscv) && __riscv_xlen == 64
#define PZ_AUDIT_ARCH AUDIT_ARCH_RISCV64
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PZ_AUDIT_ARCH AUDIT_ARCH_PPC64LE
#endif

#define LOAD_NR BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr))
#define DENY(name) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_##name, 0, 1), \
  BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES)

/* seccomp: the calls that reach outside the process answer EACCES (on the
 * little-endian machines listed above: the pid check reads the low half of
 * the first argument). Reading
 * and writing the descriptors it has (the file, its answer pipe), memory
 * and threads stay allowed: the document libraries need them. */
static gboolean
confine_seccomp (void)
{
#ifdef PZ_AUDIT_ARCH
  pid_t self = getpid ();
  struct sock_filter filter[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, PZ_AUDIT_ARCH, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    LOAD_NR,
#ifdef __x86_64__
    /* the x32 numbers would slip past every check below */
    BPF_JUMP (BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
#endif
    /* signals only to itself (abort() signals its own thread) */
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_kill, 1, 0),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_tgkill, 0, 4),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, args[0])),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (guint32) self, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
#ifdef __NR_open
    DENY (open),
#endif
#ifdef __NR_creat
    DENY (creat),
#endif
    DENY (openat),
#ifdef __NR_openat2
    DENY (openat2),
#endif
    DENY (open_by_handle_at),
    DENY (name_to_handle_at),
    DENY (socket),
    DENY (socketpair),
    DENY (connect),
    DENY (bind),
    DENY (execve),
    DENY (execveat),
    DENY (ptrace),
    DENY (process_vm_readv),
    DENY (process_vm_writev),
    DENY (tkill),
#ifdef __NR_io_uring_setup
    DENY (io_uring_setup),
#endif
    DENY (mount),
    DENY (unshare),
    DENY (setns),
    DENY (bpf),
    DENY (perf_event_open),
    DENY (userfaultfd),
    DENY (keyctl),
    DENY (add_key),
    DENY (request_key),
#ifdef __NR_unlink
    DENY (unlink),
    DENY (rename),
    DENY (mkdir),
    DENY (rmdir),
    DENY (link),
    DENY (symlink),
    DENY (chmod),
#endif
    DENY (unlinkat),
    DENY (renameat2),
    DENY (mkdirat),
    DENY (linkat),
    DENY (symlinkat),
    DENY (fchmodat),
    DENY (truncate),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { G_N_ELEMENTS (filter), filter };

  return prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0;
#else
  return FALSE;
#endif
}

static gboolean
confine (void)
{
  gboolean landlock;

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return FALSE;
  landlock = confine_landlock ();
  if (!confine_seccomp ())
    return FALSE;
  sandbox = landlock ? "landlock+seccomp" : "seccomp";
  return TRUE;
}

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* An image's size from its header alone: PNG's IHDR, or JPEG's first
 * start-of-frame segment. FALSE if the header does not say. */
static gboolean
image_size (const char   *type,
            const guint8 *p,
            gsize         size,
            guint32      *width,
            guint32      *height)
{
  if (g_str_equal (type, "image/png"))
    {
      if (size < 24 || memcmp (p + 12, "IHDR", 4) != 0)
        return FALSE;
      *width = be32 (p + 16);
      *height = be32 (p + 20);
      return TRUE;
    }
  for (gsize i = 2; i + 4 <= size;)
    {
      guint8 marker;
      gsize length;

      if (p[i] != 0xff)
        return FALSE;
      marker = p[i + 1];
      if (marker == 0xff)
        {
          i++;
          continue;
        }
      if (marker == 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker == 0x01)
        {
          i += 2;
          continue;
        }
      length = (gsize) p[i + 2] << 8 | p[i + 3];
      if (length < 2)
        return FALSE;
      /* SOF0..SOF15, but DHT (c4), JPG (c8) and DAC (cc) are not frames */
      if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc)
        {
          if (i + 9 > size)
            return FALSE;
          *height = (guint32) p[i + 5] << 8 | p[i + 6];
          *width = (guint32) p[i + 7] << 8 | p[i + 8];
          return TRUE;
        }
      if (marker == 0xda || marker == 0xd9)
        return FALSE;
      i += 2 + length;
    }
  return FALSE;
}

/* For the tests: tries, once confined, what an attacker's file would. */
static int
probe (const char *path)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  int open_errno = fd < 0 ? errno : 0;
  int sock = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int inet_errno = sock < 0 ? errno : 0;
  int local = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int unix_errno = local < 0 ? errno : 0;
  int kill_errno = kill (getppid (), 0) != 0 ? errno : 0;

  printf ("{\"probe\":{\"open\":%d,\"socket_inet\":%d,\"socket_unix\":%d,\"kill_parent\":%d},"
          "\"sandbox\":\"%s\"}\n", open_errno, inet_errno, unix_errno, kill_errno, sandbox);
  return finish ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autofree char *data = NULL;
  gboolean image;
  gsize size;

  if (argc != 3)
    {
      fprintf (stderr, "usage: perizinan-inspect CONTENT-TYPE FILE\n");
      return 2;
    }

  /* Limits first, before any byte of the file is read. (AddressSanitizer
   * reserves terabytes of address space for itself: its test builds go
   * without the memory limit and keep the others.) */
#ifndef __SANITIZE_ADDRESS__
  limit (RLIMIT_AS, (rlim_t) 768 * 1024 * 1024);
#endif
  limit (RLIMIT_CPU, 10);
  limit (RLIMIT_NOFILE, 32);

  /* What needs the file system is done before the confinement: the file
   * itself, and the image decoder's module. */
  if (!g_file_get_contents (argv[2], &data, &size, &error))
    return answer_error ("unreadable");
  image = g_str_equal (argv[1], "image/jpeg") || g_str_equal (argv[1], "image/png");
  if (image)
    loader = gdk_pixbuf_loader_new_with_mime_type (argv[1], NULL);

  /* never inspect unconfined: the server refuses the upload */
  if (!confine ())
    return answer_error ("unconfined");

  if (g_getenv ("PERIZINAN_INSPECT_PROBE"))
    return probe (g_getenv ("PERIZINAN_INSPECT_PROBE"));

  if (size == 0)
    return answer_error ("empty");

  if (g_str_equal (argv[1], "application/pdf"))
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
      PopplerDocument *doc = poppler_document_new_from_bytes (bytes, NULL, &error);
      int pages;

      if (doc == NULL)
        {
          if (g_error_matches (error, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
            return answer_error ("encrypted");
          return answer_error ("damaged");
        }
      pages = poppler_document_get_n_pages (doc);
      if (pages <= 0)
        return answer_error ("no_pages");
      /* Reading every page's size makes poppler parse the page tree, where
       * a truncated file shows itself. */
      for (int i = 0; i < pages; i++)
        {
          PopplerPage *page = poppler_document_get_page (doc, i);
          double w = 0, h = 0;

          if (page == NULL)
            return answer_error ("damaged");
          poppler_page_get_size (page, &w, &h);
          g_object_unref (page);
          if (w <= 0 || h <= 0)
            return answer_error ("damaged");
        }
      g_object_unref (doc);
      printf ("{\"pages\":%d,\"sandbox\":\"%s\"}\n", pages, sandbox);
      return finish ();
    }

  if (image)
    {
      GdkPixbuf *pixbuf;
      guint32 width = 0, height = 0;

      if (!image_size (argv[1], (const guint8 *) data, size, &width, &height) || width == 0 || height == 0)
        return answer_error ("damaged");
      if ((guint64) width * height > (guint64) PZ_INSPECT_MAX_MEGAPIXELS * 1000000)
        {
          printf ("{\"error\":\"too_many_pixels\",\"width\":%u,\"height\":%u,\"sandbox\":\"%s\"}\n",
                  width, height, sandbox);
          return finish ();
        }
      if (loader == NULL)
        return answer_error ("unsupported");
      if (!gdk_pixbuf_loader_write (loader, (const guchar *) data, size, &error) ||
          !gdk_pixbuf_loader_close (loader, &error) ||
          !(pixbuf = gdk_pixbuf_loader_get_pixbuf (loader)))
        return answer_error ("damaged");
      printf ("{\"pages\":1,\"width\":%d,\"height\":%d,\"sandbox\":\"%s\"}\n", gdk_pixbuf_get_width (pixbuf),
              gdk_pixbuf_get_height (pixbuf), sandbox);
      return finish ();
    }

  return answer_error ("unsupported");
}
