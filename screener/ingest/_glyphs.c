/*
 * The per-character loop of the PDFium engine, in C.
 *
 * Reading a page's characters costs two calls into PDFium per character
 * (its text object and its loose box). Made through ctypes that is about
 * 2 µs a character, a third of the engine's time on a page of 2,000
 * characters; made here it is a few nanoseconds. A text object's style is six
 * more calls, and a baseline's origin one: few on a page from a typesetter,
 * one per glyph from a browser (thousands a page). A page's objects are listed
 * here too, with what a fill needs of each path (its draw mode, bounds, colour
 * and shape): a real resume draws about 200 paths a page, most of them strokes,
 * and reading them through ctypes cost 0.7 ms a file. PDFium's functions are passed in as
 * addresses (pypdfium2 has already loaded the library), so this module links
 * against nothing but Python, and the engine falls back to ctypes where it
 * was not built.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>

typedef void *(*get_text_object_fn)(void *text_page, int index);
typedef int (*get_loose_box_fn)(void *text_page, int index, float *rect);

/* How every reader ends: its buffers released, then None, or ValueError where they were too small to fill. */
static PyObject *
release(Py_buffer *const *buffers, size_t count, int fits, const char *unit)
{
    for (size_t i = 0; i < count; i++)
        PyBuffer_Release(buffers[i]);
    if (!fits) {
        PyErr_Format(PyExc_ValueError, "buffers too small for the %s count", unit);
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
read_chars(PyObject *module, PyObject *args)
{
    unsigned long long text_page, get_text_object, get_loose_box;
    int count;
    Py_buffer objects, boxes;
    if (!PyArg_ParseTuple(args, "KiKKw*w*", &text_page, &count, &get_text_object, &get_loose_box, &objects, &boxes))
        return NULL;
    Py_buffer *all[] = {&objects, &boxes};
    if (count < 0 || objects.len < (Py_ssize_t)count * (Py_ssize_t)sizeof(uint64_t) || boxes.len < (Py_ssize_t)count * 4 * (Py_ssize_t)sizeof(float))
        return release(all, 2, 0, "character");
    get_text_object_fn object_of = (get_text_object_fn)(uintptr_t)get_text_object;
    get_loose_box_fn box_of = (get_loose_box_fn)(uintptr_t)get_loose_box;
    void *page = (void *)(uintptr_t)text_page;
    uint64_t *object_out = (uint64_t *)objects.buf;
    float *box_out = (float *)boxes.buf;
    for (int index = 0; index < count; index++) {
        object_out[index] = (uint64_t)(uintptr_t)object_of(page, index);
        if (!box_of(page, index, box_out + 4 * (Py_ssize_t)index)) {
            box_out[4 * index] = box_out[4 * index + 1] = box_out[4 * index + 2] = box_out[4 * index + 3] = 0.0f;
        }
    }
    return release(all, 2, 1, "character");
}

typedef struct {
    float a, b, c, d, e, f;
} fs_matrix;
typedef int (*get_matrix_fn)(void *text_page, int index, fs_matrix *matrix);
typedef double (*get_font_size_fn)(void *text_page, int index);
typedef void *(*get_font_fn)(void *text_object);
typedef int (*get_fill_fn)(void *page_object, unsigned int *r, unsigned int *g, unsigned int *b, unsigned int *a);
typedef int (*get_render_mode_fn)(void *text_object);
typedef int (*has_map_error_fn)(void *text_page, int index);

/* Per text object, read at one of its characters: the character's matrix (zeros when PDFium has none) and font size,
 * the object's font, fill colour (ok flag, then RGBA), render mode, and whether the character lacks a Unicode mapping. */
static PyObject *
read_styles(PyObject *module, PyObject *args)
{
    unsigned long long text_page, get_matrix, get_font_size, get_font, get_fill, get_render_mode, has_map_error;
    Py_buffer indices, objects, matrices, sizes, fonts, fills, colors, modes, errors;
    if (!PyArg_ParseTuple(args, "KKKKKKKw*w*w*w*w*w*w*w*w*", &text_page, &get_matrix, &get_font_size, &get_font, &get_fill, &get_render_mode,
                          &has_map_error, &indices, &objects, &matrices, &sizes, &fonts, &fills, &colors, &modes, &errors))
        return NULL;
    Py_ssize_t count = indices.len / (Py_ssize_t)sizeof(int64_t);
    int fits = objects.len >= count * (Py_ssize_t)sizeof(uint64_t) && matrices.len >= count * 6 * (Py_ssize_t)sizeof(float) &&
               sizes.len >= count * (Py_ssize_t)sizeof(double) && fonts.len >= count * (Py_ssize_t)sizeof(uint64_t) &&
               fills.len >= count * (Py_ssize_t)sizeof(int32_t) && colors.len >= count * 4 * (Py_ssize_t)sizeof(uint32_t) &&
               modes.len >= count * (Py_ssize_t)sizeof(int32_t) && errors.len >= count * (Py_ssize_t)sizeof(int32_t);
    if (fits) {
        void *page = (void *)(uintptr_t)text_page;
        const int64_t *index_of = (const int64_t *)indices.buf;
        const uint64_t *object_of = (const uint64_t *)objects.buf;
        fs_matrix *matrix_out = (fs_matrix *)matrices.buf;
        double *size_out = (double *)sizes.buf;
        uint64_t *font_out = (uint64_t *)fonts.buf;
        int32_t *fill_out = (int32_t *)fills.buf, *mode_out = (int32_t *)modes.buf, *error_out = (int32_t *)errors.buf;
        uint32_t *color_out = (uint32_t *)colors.buf;
        for (Py_ssize_t i = 0; i < count; i++) {
            int index = (int)index_of[i];
            void *object = (void *)(uintptr_t)object_of[i];
            if (!((get_matrix_fn)(uintptr_t)get_matrix)(page, index, matrix_out + i))
                matrix_out[i] = (fs_matrix){0, 0, 0, 0, 0, 0};
            size_out[i] = ((get_font_size_fn)(uintptr_t)get_font_size)(page, index);
            font_out[i] = (uint64_t)(uintptr_t)((get_font_fn)(uintptr_t)get_font)(object);
            unsigned int *rgba = (unsigned int *)(color_out + 4 * i);
            fill_out[i] = ((get_fill_fn)(uintptr_t)get_fill)(object, rgba, rgba + 1, rgba + 2, rgba + 3) ? 1 : 0;
            mode_out[i] = ((get_render_mode_fn)(uintptr_t)get_render_mode)(object);
            error_out[i] = ((has_map_error_fn)(uintptr_t)has_map_error)(page, index);
        }
    }
    Py_buffer *all[] = {&indices, &objects, &matrices, &sizes, &fonts, &fills, &colors, &modes, &errors};
    return release(all, sizeof(all) / sizeof(all[0]), fits, "object");
}

typedef int (*get_origin_fn)(void *text_page, int index, double *x, double *y);

/* Each listed character's origin: one call per baseline run, which from a browser (a text object per glyph) is one per character. */
static PyObject *
read_origins(PyObject *module, PyObject *args)
{
    unsigned long long text_page, get_origin;
    Py_buffer indices, xs, ys;
    if (!PyArg_ParseTuple(args, "KKw*w*w*", &text_page, &get_origin, &indices, &xs, &ys))
        return NULL;
    Py_ssize_t count = indices.len / (Py_ssize_t)sizeof(int64_t);
    int fits = xs.len >= count * (Py_ssize_t)sizeof(double) && ys.len >= count * (Py_ssize_t)sizeof(double);
    if (fits) {
        void *page = (void *)(uintptr_t)text_page;
        const int64_t *index_of = (const int64_t *)indices.buf;
        double *x_out = (double *)xs.buf, *y_out = (double *)ys.buf;
        get_origin_fn origin_of = (get_origin_fn)(uintptr_t)get_origin;
        for (Py_ssize_t i = 0; i < count; i++) {
            /* Where PDFium has no origin the last one stands, as in the ctypes loop. */
            x_out[i] = i ? x_out[i - 1] : 0.0;
            y_out[i] = i ? y_out[i - 1] : 0.0;
            origin_of(page, (int)index_of[i], x_out + i, y_out + i);
        }
    }
    Py_buffer *all[] = {&indices, &xs, &ys};
    return release(all, 3, fits, "character");
}

typedef void *(*get_page_object_fn)(void *page, int index);
typedef int (*get_object_type_fn)(void *object);
typedef void *(*get_clip_fn)(void *object);
typedef int (*count_clip_paths_fn)(void *clip);
typedef int (*count_clip_segments_fn)(void *clip, int path);
typedef void *(*get_clip_segment_fn)(void *clip, int path, int segment);
typedef int (*get_point_fn)(void *segment, float *x, float *y);

/* A page's own objects: each one's handle and type, and for text the box its clip paths leave visible (the bounds of
 * each path's points, intersected; clipped[i] is 0 where there is no clip or it leaves no finite left or right). */
static PyObject *
read_objects(PyObject *module, PyObject *args)
{
    unsigned long long page, get_object, get_type, get_clip, count_paths, count_segments, get_segment, get_point;
    int text_type;
    Py_buffer handles, kinds, clips, clipped;
    if (!PyArg_ParseTuple(args, "KKKKKKKKiw*w*w*w*", &page, &get_object, &get_type, &get_clip, &count_paths, &count_segments, &get_segment,
                          &get_point, &text_type, &handles, &kinds, &clips, &clipped))
        return NULL;
    Py_ssize_t count = handles.len / (Py_ssize_t)sizeof(uint64_t);
    int fits = kinds.len >= count * (Py_ssize_t)sizeof(int32_t) && clips.len >= count * 4 * (Py_ssize_t)sizeof(double) &&
               clipped.len >= count * (Py_ssize_t)sizeof(int32_t);
    if (fits) {
        uint64_t *handle_out = (uint64_t *)handles.buf;
        int32_t *kind_out = (int32_t *)kinds.buf, *clipped_out = (int32_t *)clipped.buf;
        double *clip_out = (double *)clips.buf;
        for (Py_ssize_t i = 0; i < count; i++) {
            void *object = ((get_page_object_fn)(uintptr_t)get_object)((void *)(uintptr_t)page, (int)i);
            handle_out[i] = (uint64_t)(uintptr_t)object;
            kind_out[i] = ((get_object_type_fn)(uintptr_t)get_type)(object);
            clipped_out[i] = 0;
            if (kind_out[i] != text_type)
                continue;
            void *clip = ((get_clip_fn)(uintptr_t)get_clip)(object);
            int paths = clip ? ((count_clip_paths_fn)(uintptr_t)count_paths)(clip) : 0;
            if (paths <= 0)
                continue;
            double left = -INFINITY, bottom = -INFINITY, right = INFINITY, top = INFINITY;
            for (int path = 0; path < paths; path++) {
                int segments = ((count_clip_segments_fn)(uintptr_t)count_segments)(clip, path);
                int seen = 0;
                double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
                for (int segment = 0; segment < segments; segment++) {
                    float x, y;
                    if (!((get_point_fn)(uintptr_t)get_point)(((get_clip_segment_fn)(uintptr_t)get_segment)(clip, path, segment), &x, &y))
                        continue;
                    if (!seen || x < min_x) min_x = x;
                    if (!seen || y < min_y) min_y = y;
                    if (!seen || x > max_x) max_x = x;
                    if (!seen || y > max_y) max_y = y;
                    seen = 1;
                }
                if (seen) {
                    if (min_x > left) left = min_x;
                    if (min_y > bottom) bottom = min_y;
                    if (max_x < right) right = max_x;
                    if (max_y < top) top = max_y;
                }
            }
            if (isinf(left) || isinf(right))
                continue;
            clip_out[4 * i] = left;
            clip_out[4 * i + 1] = bottom;
            clip_out[4 * i + 2] = right;
            clip_out[4 * i + 3] = top;
            clipped_out[i] = 1;
        }
    }
    Py_buffer *all[] = {&handles, &kinds, &clips, &clipped};
    return release(all, 4, fits, "object");
}

typedef int (*get_draw_mode_fn)(void *path, int *fill_mode, int *stroke);
typedef int (*get_bounds_fn)(void *object, float *left, float *bottom, float *right, float *top);
typedef int (*count_segments_fn)(void *path);
typedef void *(*get_path_segment_fn)(void *path, int index);
typedef int (*get_segment_type_fn)(void *segment);

/* What a fill needs of each listed path, as PATH_* bits in facts[i]: filled (a fill mode), its bounds (left, bottom,
 * right, top), its fill colour (RGBA) and whether it is a rectangle (one move and three or four straight lines, the
 * shapes pdfplumber calls rects). Bounds, colour and shape are read for filled paths only: most paths are strokes. */
enum { PATH_FILLED = 1, PATH_BOUNDED = 2, PATH_COLORED = 4, PATH_RECTANGLE = 8 };

static PyObject *
read_paths(PyObject *module, PyObject *args)
{
    unsigned long long get_draw_mode, get_bounds, get_fill, count_segments, get_segment, get_segment_type;
    int bezier_type;
    Py_buffer handles, facts, bounds, colors;
    if (!PyArg_ParseTuple(args, "KKKKKKiw*w*w*w*", &get_draw_mode, &get_bounds, &get_fill, &count_segments, &get_segment, &get_segment_type,
                          &bezier_type, &handles, &facts, &bounds, &colors))
        return NULL;
    Py_ssize_t count = handles.len / (Py_ssize_t)sizeof(uint64_t);
    int fits = facts.len >= count * (Py_ssize_t)sizeof(int32_t) && bounds.len >= count * 4 * (Py_ssize_t)sizeof(float) &&
               colors.len >= count * 4 * (Py_ssize_t)sizeof(uint32_t);
    if (fits) {
        const uint64_t *handle_of = (const uint64_t *)handles.buf;
        int32_t *fact_out = (int32_t *)facts.buf;
        float *bound_out = (float *)bounds.buf;
        uint32_t *color_out = (uint32_t *)colors.buf;
        for (Py_ssize_t i = 0; i < count; i++) {
            void *path = (void *)(uintptr_t)handle_of[i];
            int fill_mode = 0, stroke = 0, found = 0;
            fact_out[i] = 0;
            if (!((get_draw_mode_fn)(uintptr_t)get_draw_mode)(path, &fill_mode, &stroke) || !fill_mode)
                continue;
            found = PATH_FILLED;
            float *box = bound_out + 4 * i;
            if (((get_bounds_fn)(uintptr_t)get_bounds)(path, box, box + 1, box + 2, box + 3))
                found |= PATH_BOUNDED;
            unsigned int *rgba = (unsigned int *)(color_out + 4 * i);
            if (((get_fill_fn)(uintptr_t)get_fill)(path, rgba, rgba + 1, rgba + 2, rgba + 3))
                found |= PATH_COLORED;
            int segments = ((count_segments_fn)(uintptr_t)count_segments)(path);
            if (segments == 4 || segments == 5) {
                int straight = 1;
                for (int segment = 0; segment < segments && straight; segment++)
                    straight = ((get_segment_type_fn)(uintptr_t)get_segment_type)(((get_path_segment_fn)(uintptr_t)get_segment)(path, segment)) !=
                               bezier_type;
                if (straight)
                    found |= PATH_RECTANGLE;
            }
            fact_out[i] = found;
        }
    }
    Py_buffer *all[] = {&handles, &facts, &bounds, &colors};
    return release(all, 4, fits, "path");
}

static PyMethodDef methods[] = {
    {"read_chars", read_chars, METH_VARARGS,
     "read_chars(text_page, count, get_text_object, get_loose_box, objects, boxes): each character's text object and loose box, into the buffers."},
    {"read_styles", read_styles, METH_VARARGS,
     "read_styles(text_page, get_matrix, get_font_size, get_font, get_fill, get_render_mode, has_map_error, indices, objects, matrices, sizes, fonts, "
     "fills, colors, modes, errors): each text object's raw style, read at its character, into the buffers."},
    {"read_origins", read_origins, METH_VARARGS,
     "read_origins(text_page, get_origin, indices, xs, ys): each listed character's origin, into the buffers."},
    {"read_objects", read_objects, METH_VARARGS,
     "read_objects(page, get_object, get_type, get_clip, count_paths, count_segments, get_segment, get_point, text_type, handles, kinds, clips, "
     "clipped): a page's objects and the clips of its text, into the buffers."},
    {"read_paths", read_paths, METH_VARARGS,
     "read_paths(get_draw_mode, get_bounds, get_fill, count_segments, get_segment, get_segment_type, bezier_type, handles, facts, bounds, colors): "
     "whether each path is filled and, where it is, its bounds, fill colour and shape, into the buffers."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_glyphs", "The PDFium engine's loops over characters, text objects, baselines, page objects and paths.", -1, methods};

PyMODINIT_FUNC
PyInit__glyphs(void)
{
    return PyModule_Create(&module);
}
