/*
 * fuzz-parsers.c - libFuzzer target for the three INI parsers and the
 * featureset parser.  The first byte picks the parser; the rest is text.
 *
 *   make fuzz FUZZ_SECONDS=60      (clang, libFuzzer, ASan/UBSan)
 *
 * Built with -DSTANDALONE it replays files given on the command line
 * (make check runs the golden files through it).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "level.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;
    struct xl_err err;

    if ( size < 1 || size > (1 << 16) )
        return 0;
    text = malloc(size);
    if ( !text )
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    switch ( data[0] % 4 )
    {
    case 0:
    {
        struct xl_level l;
        struct xl_parse_opts po = { .allow_extra_words = data[0] & 4 };

        if ( xl_level_parse("fuzz", text, &po, &l, &err) == 0 )
        {
            FILE *f = fopen("/dev/null", "w");

            xl_level_write(f, &l);
            fclose(f);
        }
        break;
    }
    case 1:
    {
        struct xl_host_report r;

        xl_report_parse("fuzz", text, NULL, &r, &err);
        break;
    }
    case 2:
    {
        struct xl_config c;

        xl_config_defaults(&c);
        xl_config_parse("fuzz", text, &c, &err);
        break;
    }
    default:
    {
        struct xl_fs fs;
        unsigned int bad;

        xl_fs_parse(text, &fs, data[0] & 4, &bad);
        break;
    }
    }
    free(text);
    return 0;
}

#ifdef STANDALONE
int main(int argc, char **argv)
{
    int i, n = 0;

    for ( i = 1; i < argc; i++ )
    {
        FILE *f = fopen(argv[i], "rb");
        static uint8_t buf[65536];
        size_t len;
        unsigned int k;

        if ( !f )
        {
            perror(argv[i]);
            return 1;
        }
        len = fread(buf + 1, 1, sizeof(buf) - 2, f);
        fclose(f);
        for ( k = 0; k < 8; k++ )
        {
            buf[0] = (uint8_t)k;
            LLVMFuzzerTestOneInput(buf, len + 1);
            n++;
        }
    }
    printf("fuzz-parsers: replayed %d inputs, 0 failed\n", n);
    return 0;
}
#endif
