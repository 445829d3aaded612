/*
 * The per-character loop of the PDFium engine, in C.
 *
 * Reading a page's characters costs two calls into PDFium per character
 * (its text object and its loose box). Made through ctypes that is about
 * 2 µs a character, a third of the engine's time on a page of 2,000
 * characters; made here it is a few nanoseconds. PDFium's functions are
 * passed in as addresses (pypdfium2 has already loaded the library), so this
 * module links against nothing but Python, and the engine falls back to the
 * ctypes loop where it was not built.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

typedef void *(*get_text_object_fn)(void *text_page, int index);
typedef int (*get_loose_box_fn)(void *text_page, int index, float *rect);

static PyObject *
read_chars(PyObject *module, PyObject *args)
{
    unsigned long long text_page, get_text_object, get_loose_box;
    int count;
    Py_buffer objects, boxes;
    if (!PyArg_ParseTuple(args, "KiKKw*w*", &text_page, &count, &get_text_object, &get_loose_box, &objects, &boxes))
        return NULL;
    if (count < 0 || objects.len < (Py_ssize_t)count * (Py_ssize_t)sizeof(uint64_t) || boxes.len < (Py_ssize_t)count * 4 * (Py_ssize_t)sizeof(float)) {
        PyBuffer_Release(&objects);
        PyBuffer_Release(&boxes);
        PyErr_SetString(PyExc_ValueError, "buffers too small for the character count");
        return NULL;
    }
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
    PyBuffer_Release(&objects);
    PyBuffer_Release(&boxes);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"read_chars", read_chars, METH_VARARGS,
     "read_chars(text_page, count, get_text_object, get_loose_box, objects, boxes): each character's text object and loose box, into the buffers."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_glyphs", "The PDFium engine's per-character loop.", -1, methods};

PyMODINIT_FUNC
PyInit__glyphs(void)
{
    return PyModule_Create(&module);
}
