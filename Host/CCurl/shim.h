#ifndef TRELLIS_CCURL_SHIM_H
#define TRELLIS_CCURL_SHIM_H

#include <curl/curl.h>

// curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadic, which Swift cannot
// call: these typed wrappers are what TrellisNet calls instead.

/// A write or header callback: (data, size, count, context) -> bytes taken.
typedef size_t (*trellis_curl_data_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode trellis_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode trellis_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode trellis_curl_setopt_ptr(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode trellis_curl_setopt_str(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode trellis_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode trellis_curl_setopt_callback(CURL *handle, CURLoption option, trellis_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode trellis_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode trellis_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

#endif
