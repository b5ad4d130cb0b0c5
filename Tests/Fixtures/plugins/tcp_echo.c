/*
 * A feed node for tests of trellis.tcp/1: in activate it listens on 127.0.0.1 (port 0: any free
 * port) through the host, writes the bound port to the file `port_file` when the host reports
 * LISTENING, and echoes every byte a peer sends back to it, upper-cased, from the engine thread.
 * A peer's "close\n" closes its connection from this side.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "CTrellis.h"

typedef struct tcp_echo {
    const trellis_host *host;
    const trellis_tcp_ext *tcp;
    char port_file[512];
    uint64_t listener;
} tcp_echo;

static void on_tcp(void *user, const trellis_tcp_event *event) {
    tcp_echo *e = user;
    if (event->kind == TRELLIS_NET_EVENT_LISTENING) {
        FILE *file = fopen(e->port_file, "w");
        if (file != NULL) {
            fprintf(file, "%u\n", event->port);
            fclose(file);
        }
    } else if (event->kind == TRELLIS_NET_EVENT_MESSAGE) {
        if (event->data.len == 6 && memcmp(event->data.ptr, "close\n", 6) == 0) {
            e->tcp->close(e->host->ctx, event->connection);
            return;
        }
        char buffer[1024];
        uint64_t length = event->data.len < sizeof buffer ? event->data.len : sizeof buffer;
        for (uint64_t i = 0; i < length; i++) {
            char c = event->data.ptr[i];
            buffer[i] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
        }
        trellis_str reply = {buffer, length};
        e->tcp->send(e->host->ctx, event->connection, reply);
    }
}

static trellis_status activate(void *node) {
    tcp_echo *e = node;
    e->tcp = e->host->get_extension(e->host->ctx, trellis_cstr(TRELLIS_EXT_TCP));
    if (e->tcp == NULL) return TRELLIS_ERR_UNSUPPORTED;
    trellis_tcp_listen request;
    memset(&request, 0, sizeof request);
    request.struct_size = sizeof request;
    request.port = 0;
    request.address = trellis_cstr("127.0.0.1");
    request.user = e;
    request.on_event = on_tcp;
    return e->tcp->listen(e->host->ctx, &request, &e->listener);
}

static void destroy(void *node) { free(node); }

static const trellis_node_methods methods = {sizeof(trellis_node_methods), 0, activate, NULL, NULL, destroy, NULL};

static trellis_status create(const trellis_node_factory *factory, const trellis_create_args *args, void **out) {
    (void)factory;
    tcp_echo *e = calloc(1, sizeof *e);
    if (e == NULL) return TRELLIS_ERR_NO_MEMORY;
    e->host = args->host;
    trellis_str text;
    if (args->params->get_string(args->params->ctx, trellis_cstr("port_file"), &text) != TRELLIS_OK || text.len >= sizeof e->port_file) {
        snprintf(args->error, args->error_capacity, "port_file: give the file to write the port to");
        free(e);
        return TRELLIS_ERR_INVALID;
    }
    memcpy(e->port_file, text.ptr, text.len);
    *out = e;
    return TRELLIS_OK;
}

static const trellis_node_factory factory = {
    sizeof(trellis_node_factory), TRELLIS_KIND_FEED, TRELLIS_STR_LIT("tcp-echo"), TRELLIS_STR_LIT("1.0.0"),
    TRELLIS_STR_LIT("Echoes what TCP peers send, upper-cased, through the host's listener."),
    TRELLIS_STR_LIT("{\"type\":\"object\",\"properties\":{\"port_file\":{\"type\":\"string\"}},\"required\":[\"port_file\"]}"), create, &methods};

static const trellis_node_factory *get_factory(const trellis_plugin *plugin, uint32_t index) {
    (void)plugin;
    return index == 0 ? &factory : NULL;
}

static const trellis_plugin descriptor = {
    sizeof(trellis_plugin), TRELLIS_ABI_MAJOR, 2, TRELLIS_STR_LIT("tcp-echo"), TRELLIS_STR_LIT("1.0.0"),
    TRELLIS_STR_LIT("A test node for the host's TCP listener."), 1, 0, get_factory};

TRELLIS_EXPORT const trellis_plugin *trellis_plugin_entry(const trellis_loader_info *info) {
    (void)info;
    return &descriptor;
}
