/*
 * fuzz.h - shared by the libFuzzer targets (one per parser).
 *
 * Each target defines fuzz_one(text, size): text is the input with a NUL
 * appended (the parsers take C strings; inputs holding a NUL are tried as
 * they are, so the text ends at the first NUL).
 *
 *   make fuzz           clang, libFuzzer, ASan/UBSan, FUZZ_RUNS each
 *   make fuzz-smoke     the same, FUZZ_SMOKE_RUNS each (make check)
 *
 * Built with -DSTANDALONE (gcc, ASan/UBSan) the target replays the files
 * given on the command line instead (make fuzz-replay: the golden files
 * and every crash found, kept under tests/fuzz/regressions/).
 */
#ifndef XENLEVEL_FUZZ_H
#define XENLEVEL_FUZZ_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_INPUT (1 << 16)

static void fuzz_one(const char *text, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;

    if ( size > FUZZ_MAX_INPUT )
        return 0;
    text = malloc(size + 1);
    if ( !text )
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    fuzz_one(text, size);
    free(text);
    return 0;
}

#ifdef STANDALONE
int main(int argc, char **argv)
{
    static uint8_t buf[FUZZ_MAX_INPUT];
    int i;

    for ( i = 1; i < argc; i++ )
    {
        FILE *f = fopen(argv[i], "rb");
        size_t len;

        if ( !f )
        {
            perror(argv[i]);
            return 1;
        }
        len = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, len);
    }
    printf("%s: replayed %d inputs, 0 failed\n", FUZZ_NAME, argc - 1);
    return 0;
}
#endif

#endif /* XENLEVEL_FUZZ_H */
