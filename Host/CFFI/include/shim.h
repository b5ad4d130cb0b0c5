/* libffi for the ffi node type, with the few things Swift cannot reach directly: the addresses of
 * libffi's type descriptors, the platform's default calling convention, and the file a dlopen
 * handle came from. */
#ifndef TRELLIS_CFFI_SHIM_H
#define TRELLIS_CFFI_SHIM_H

#include <ffi.h>

/* The path of the file the loader opened for `handle` (dlinfo, a GNU extension), or NULL. */
const char *trellis_library_file(void *handle);

static inline ffi_type *trellis_ffi_void(void) { return &ffi_type_void; }
static inline ffi_type *trellis_ffi_double(void) { return &ffi_type_double; }
static inline ffi_type *trellis_ffi_float(void) { return &ffi_type_float; }
static inline ffi_type *trellis_ffi_sint32(void) { return &ffi_type_sint32; }
static inline ffi_type *trellis_ffi_sint64(void) { return &ffi_type_sint64; }
static inline ffi_type *trellis_ffi_pointer(void) { return &ffi_type_pointer; }

static inline ffi_status trellis_ffi_prepare(ffi_cif *cif, unsigned int count, ffi_type *result, ffi_type **arguments) {
    return ffi_prep_cif(cif, FFI_DEFAULT_ABI, count, result, arguments);
}

#endif
