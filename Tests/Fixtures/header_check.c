/* Compiled as C11 and as C++17 by the ABI tests, with every warning an error: the header and its
 * macros must be clean in both languages. */
#include "CTrellis.h"

static const trellis_str name = TRELLIS_STR_LIT("check");

int check(const trellis_host *host, const trellis_bar *bar, const trellis_custom *custom);

int check(const trellis_host *host, const trellis_bar *bar, const trellis_custom *custom) {
    int fields = TRELLIS_HAS_FIELD(host, trellis_host, get_extension) ? 1 : 0;
    fields += TRELLIS_EVENT_HAS_FIELD(bar, trellis_bar, volume) ? 1 : 0;
    fields += name.len == 5 ? 1 : 0;
    fields += trellis_cstr("x").len == 1 ? 1 : 0;
    fields += TRELLIS_FEATURE_VALUES(custom)[0] > 0 ? 1 : 0;
    return fields + TRELLIS_CUSTOM_PAYLOAD(custom)[0];
}

int main(void) { return TRELLIS_ABI_MAJOR == 1 ? 0 : 1; }
