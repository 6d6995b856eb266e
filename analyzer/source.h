/* source: the bytes of one file being analysed, and its line map. */
#ifndef LOGITLINT_SOURCE_H
#define LOGITLINT_SOURCE_H

#include <stddef.h>

typedef struct Source Source;

/* Whole-project analysis (project.c): the sources of the other files whose syntax trees one
 * file's analysis reads, by tree. */
typedef struct SourcePeers {
    struct ProjectFile *project; /* the analysis that reads them */
    /* the tree of the source whose peers these are, while it is parsed (NULL: not known): most
     * nodes asked about are its, and it is answered without a scan */
    const void *home;
    const void **trees;
    const Source **srcs;
    size_t len, cap;
    size_t last; /* the index source_of found last: a function's nodes are read in a row */
} SourcePeers;

struct Source {
    char *path;       /* as shown to the user */
    char *buf;        /* owned allocation, NUL-terminated */
    const char *text; /* buf past a UTF-8 BOM; all byte offsets are relative to this */
    size_t len;
    size_t *line_starts; /* byte offset where each line begins */
    size_t nlines;
    /* Notebooks (notebook.c): for each line, its 1-based cell and row within the cell; NULL for
     * a plain file. */
    int *line_cell, *line_cell_row;
    int *line_file_row; /* notebooks: the line of the .ipynb file that holds each line */
    /* The other files of the project this file's analysis reads (owned by its ProjectFile,
     * project.h); NULL: none. A node's text is read from the source its tree came from. */
    SourcePeers *peers;
};

typedef enum {
    SOURCE_OK = 0,
    SOURCE_ERR_OPEN, /* errno-based message in err */
    SOURCE_ERR_READ,
    SOURCE_ERR_BINARY,   /* contains NUL bytes: not Python source */
    SOURCE_ERR_NOTEBOOK, /* a .ipynb file that is not a valid notebook (notebook.c) */
} SourceStatus;

SourceStatus source_load_file(Source *src, const char *path, char *err, size_t errlen);
SourceStatus source_load_stream(Source *src, void *file, const char *display_path, char *err,
                                size_t errlen);
/* Takes ownership of buf (malloc'd, len bytes, need not be NUL-terminated). */
SourceStatus source_from_buffer(Source *src, const char *display_path, char *buf, size_t len);
void source_free(Source *src);

/* The source a syntax tree was parsed from: src itself or one of its peers. */
const Source *source_of(const Source *src, const void *tree);

/* 1-based row, and 1-based column counted in Unicode code points (as ruff does). */
void source_position(const Source *src, size_t byte, int *row, int *col);
/* The text of 1-based line `row`, without its line terminator. */
const char *source_line(const Source *src, int row, size_t *len);

#endif
