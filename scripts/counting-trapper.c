/*
 * A Zabbix trapper on 127.0.0.1 that only counts, for scripts/bench-send.sh (which compiles it with
 * `cc -O2 -pthread counting-trapper.c -lz`).
 *
 * One frame per connection (PROTOCOLS.md 1.1), on a thread of its own: the 13-byte header, the payload
 * (inflated when the header has flag 0x02, whose reserved field is then the inflated size), the rows counted
 * as the occurrences of "key": (every row of sender data has exactly one; a quote inside a string is sent
 * as \" by both senders measured, so a value cannot fake one), then
 * {"response":"success","info":"processed: N; failed: 0; total: N; seconds spent: 0.000000"} and close, as
 * the real trapper does (1.3). Nothing is kept, so the senders, not the receiver, set the pace; it starts
 * at once, where the benchmarks' Netty CountingTrapper needs a JVM (and takes no compressed frame) and the
 * embedded ZabbixTrapperReceiver parses and keeps every row.
 *
 * Prints "port=<p>" once listening; when its standard input closes, prints "frames=<f> rows=<r>" and exits.
 * Usage: counting-trapper [port]   (0, the default: a free port)
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

static atomic_long frames, rows;

static int read_exactly(int fd, unsigned char *buf, size_t n) {
    while (n > 0) {
        ssize_t got = read(fd, buf, n);
        if (got <= 0) {
            return -1;
        }
        buf += got;
        n -= (size_t) got;
    }
    return 0;
}

static uint32_t le32(const unsigned char *p) {
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static long count_rows(const unsigned char *json, size_t n) {
    static const char needle[] = "\"key\":";
    long count = 0;
    const unsigned char *p = json, *end = json + n;
    while ((p = memmem(p, (size_t) (end - p), needle, sizeof needle - 1)) != NULL) {
        count++;
        p += sizeof needle - 1;
    }
    return count;
}

static void *serve(void *arg) {
    int fd = (int) (intptr_t) arg;
    unsigned char header[13];
    unsigned char *payload = NULL, *plain = NULL;
    if (read_exactly(fd, header, 13) == 0 && memcmp(header, "ZBXD", 4) == 0) {
        uint32_t length = le32(header + 5), reserved = le32(header + 9);
        payload = malloc(length + 1);
        if (payload != NULL && read_exactly(fd, payload, length) == 0) {
            const unsigned char *json = payload;
            size_t json_length = length;
            if (header[4] & 0x02) {
                uLongf inflated = reserved;
                plain = malloc(reserved + 1);
                if (plain == NULL || uncompress(plain, &inflated, payload, length) != Z_OK) {
                    goto done;
                }
                json = plain;
                json_length = inflated;
            }
            long n = count_rows(json, json_length);
            atomic_fetch_add(&frames, 1);
            atomic_fetch_add(&rows, n);
            char body[160];
            int body_length = snprintf(body, sizeof body, "{\"response\":\"success\",\"info\":\"processed: %ld; "
                    "failed: 0; total: %ld; seconds spent: 0.000000\"}", n, n);
            unsigned char reply[13 + sizeof body];
            memcpy(reply, "ZBXD\x01", 5);
            for (int i = 0; i < 4; i++) {
                reply[5 + i] = (unsigned char) (body_length >> (8 * i));
                reply[9 + i] = 0;
            }
            memcpy(reply + 13, body, (size_t) body_length);
            if (write(fd, reply, 13 + (size_t) body_length) < 0) {
                goto done;
            }
        }
    }
done:
    free(payload);
    free(plain);
    close(fd);
    return NULL;
}

static void *accept_loop(void *arg) {
    int server = (int) (intptr_t) arg;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    for (;;) {
        int fd = accept(server, NULL, NULL);
        if (fd < 0) {
            continue;
        }
        pthread_t thread;
        if (pthread_create(&thread, &attr, serve, (void *) (intptr_t) fd) != 0) {
            close(fd);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    int server = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {0};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons((uint16_t) (argc > 1 ? atoi(argv[1]) : 0));
    socklen_t size = sizeof address;
    if (bind(server, (struct sockaddr *) &address, sizeof address) != 0 || listen(server, 1024) != 0
            || getsockname(server, (struct sockaddr *) &address, &size) != 0) {
        perror("counting-trapper");
        return 1;
    }
    printf("port=%d\n", ntohs(address.sin_port));
    fflush(stdout);
    pthread_t acceptor;
    pthread_create(&acceptor, NULL, accept_loop, (void *) (intptr_t) server);
    char buf[256];
    while (fread(buf, 1, sizeof buf, stdin) > 0) {
        /* runs until the caller closes our stdin */
    }
    printf("frames=%ld rows=%ld\n", atomic_load(&frames), atomic_load(&rows));
    return 0;
}
