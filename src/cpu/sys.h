/* System-level internals shared by seg.c, intr.c, task.c, ops_sys.c and
 * debug.c: descriptor decoding, descriptor-table lookups, checked segment
 * loads for task switches, and the debug-register hooks. Internal to
 * src/cpu; the public entry points are declared in exec.h. */
#ifndef RELIC_SYS_H
#define RELIC_SYS_H
#include "exec.h"

/* ---- raw descriptors: lo is bytes 0-3, hi bytes 4-7 ---- */
static inline unsigned desc_type(uint32_t hi) { return (hi >> 8) & 0xf; }
static inline unsigned desc_s(uint32_t hi) { return (hi >> 12) & 1; }
static inline unsigned desc_dpl(uint32_t hi) { return (hi >> 13) & 3; }
static inline unsigned desc_p(uint32_t hi) { return (hi >> 15) & 1; }
static inline uint32_t desc_base(uint32_t lo, uint32_t hi)
{
    return (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000u);
}
/* Byte limit with the granularity bit applied. */
static inline uint32_t desc_limit(uint32_t lo, uint32_t hi)
{
    uint32_t l = (lo & 0xffff) | (hi & 0xf0000);
    return (hi & (1u << 23)) ? (l << 12) | 0xfff : l;
}
/* Code/data (S=1) kinds */
static inline int desc_is_code(uint32_t hi) { return desc_s(hi) && (hi & 0x800); }
static inline int desc_is_data(uint32_t hi) { return desc_s(hi) && !(hi & 0x800); }
static inline int desc_conforming(uint32_t hi) { return desc_is_code(hi) && (hi & 0x400); }
static inline int desc_readable(uint32_t hi) { return desc_is_data(hi) || (hi & 0x200); }
static inline int desc_writable_data(uint32_t hi) { return desc_is_data(hi) && (hi & 0x200); }

/* System descriptor types (S=0) */
enum {
    DT_TSS16 = 1, DT_LDT = 2, DT_TSS16_BUSY = 3, DT_CALL16 = 4, DT_TASK = 5,
    DT_INT16 = 6, DT_TRAP16 = 7, DT_TSS32 = 9, DT_TSS32_BUSY = 11,
    DT_CALL32 = 12, DT_INT32 = 14, DT_TRAP32 = 15,
};
static inline int type_is_tss(unsigned t) { return (t & 5) == 1; }   /* 1 3 9 11 */

/* Error code for a selector: index and TI, plus EXT. */
static inline uint32_t sel_err(uint16_t sel, int ext) { return (sel & 0xfffcu) | (ext ? 1u : 0u); }

/* Linear address of sel's descriptor, or 0 with *ok = 0 when the selector
 * is outside its table's limit (or names the LDT while none is loaded). */
uint32_t desc_addr(struct cpu *c, uint16_t sel, int *ok);
/* Sets the accessed bit of a code/data descriptor read as `hi` (a write
 * only when it is clear, so descriptors in ROM are never written). */
void desc_set_accessed(struct cpu *c, uint16_t sel, uint32_t hi);
/* Loads LDTR (LLDT and task switch). For LLDT the faults are #GP(sel) and
 * #NP(sel); in a task switch (ts = 1) every failure is #TS(sel). */
void ldt_load(struct cpu *c, uint16_t sel, int ts);
/* Loads a data or stack segment register in protected mode with the checks
 * of MOV Sreg, faulting with `vec` (EX_GP for instructions, EX_TS for task
 * switches) for type, privilege and limit failures. */
void seg_load_pm(struct cpu *c, int s, uint16_t sel, int vec);
/* Marks a segment register null (protected mode). */
void seg_set_null(struct seg *s, uint16_t sel);
/* Loads a segment register with v86 semantics (base sel<<4, 64 KiB, DPL 3). */
void seg_load_v86(struct cpu *c, int s, uint16_t sel);

/* ---- debug registers (debug.c) ---- */
enum {
    DR6_BD = 1 << 13, DR6_BS = 1 << 14, DR6_BT = 1 << 15,
    DR7_GD = 1 << 13,
};
#define DR6_FIXED1 0xffff0ff0u     /* DR6 reserved bits that read as 1 */
/* Writes DR6/DR7 with their fixed bits; DR7 changes re-arm the TLB. */
void dr6_write(struct cpu *c, uint32_t v);
void dr7_write(struct cpu *c, uint32_t v);
/* I/O breakpoints (CR4.DE, R/W = 10): records hits for the port range. */
void debug_io(struct cpu *c, uint16_t port, int size);
/* Task-switch trap (TSS T bit): delivers #DB with DR6.BT now. */
void debug_task_trap(struct cpu *c);
/* Delivers #DB as a trap after the current instruction. */
void debug_trap_now(struct cpu *c, uint32_t dr6_bits);
#endif
