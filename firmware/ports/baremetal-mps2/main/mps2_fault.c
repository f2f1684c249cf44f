/* Fault reporting: HardFault, MemManage, BusFault, UsageFault, NMI and unexpected interrupts all
 * land here, on the handler stack (MSP), so a thread-stack overflow can still be reported.
 *
 * The report is a FAULT frame of the serial protocol (docs/protocol.md), built with the agent's
 * frame encoder into a buffer of this file and written straight to the UART: it does not rely on
 * any agent state, which the fault may have corrupted (a wild memset, a smashed pointer). Then a
 * plain-text line for people reading the console, then the CPU waits for the host to reset it
 * (the QEMU runner restarts the emulator). */
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "agent_proto.h"
#include "mps2_an385.h"
#include "mps2_port.h"

void mps2_fault_entry(void);
__attribute__((used, noreturn)) void mps2_fault_report(const uint32_t *frame, uint32_t exc_return);

extern uint32_t __stack_bottom[], __stack_top[], __msp_bottom[], __msp_top[];
extern const uint8_t __data_start[], __bss_end[];

/* Picks the stack the exception frame was pushed on (EXC_RETURN bit 2: 1 = PSP) and hands it to
 * the C reporter together with EXC_RETURN. */
__attribute__((naked)) void mps2_fault_entry(void)
{
    __asm volatile(
        "tst lr, #4\n\t"
        "ite eq\n\t"
        "mrseq r0, msp\n\t"
        "mrsne r0, psp\n\t"
        "mov r1, lr\n\t"
        "b mps2_fault_report\n\t");
}

static const char *exception_name(uint32_t ipsr, uint32_t cfsr, uint32_t hfsr)
{
    switch (ipsr) {
    case 2:
        return "NMI";
    case 3:
        return (hfsr & HFSR_FORCED) ? "HardFault (escalated)" : "HardFault";
    case 4:
        return (cfsr & CFSR_MSTKERR) ? "MemManage (stack overflow)" : "MemManage";
    case 5:
        return "BusFault";
    case 6:
        if (cfsr & (1u << 25)) {
            return "UsageFault (divide by zero)";
        }
        if (cfsr & (1u << 16)) {
            return "UsageFault (undefined instruction)";
        }
        if (cfsr & (1u << 17)) {
            return "UsageFault (invalid state)";
        }
        return "UsageFault";
    default:
        return "unexpected interrupt";
    }
}

static bool in_range(uintptr_t p, size_t len, const void *lo, const void *hi)
{
    return p >= (uintptr_t)lo && p + len <= (uintptr_t)hi && p + len >= p;
}

static bool frame_readable(const uint32_t *frame)
{
    uintptr_t p = (uintptr_t)frame;
    return in_range(p, 32u, __stack_bottom, __stack_top) || in_range(p, 32u, __msp_bottom, __msp_top);
}

/* The current case name, only if the pointer still looks like a short string in .rodata/.data/.bss
 * (the agent keeps it in a static buffer; a corrupted pointer must not fault the reporter). */
static const char *safe_case_name(void)
{
    const char *name = agent_current_case();
    uintptr_t p = (uintptr_t)name;
    const size_t max = 64u;
    if (name == NULL || !(in_range(p, max, __data_start, __bss_end) ||
                          in_range(p, max, (const void *)0x100u, (const void *)0x400000u))) {
        return NULL;
    }
    for (size_t i = 0; i < max; i++) {
        if (name[i] == '\0') {
            return i > 0 ? name : NULL;
        }
        if (name[i] < 0x20 || name[i] > 0x7E) {
            return NULL;
        }
    }
    return NULL;
}

static uint8_t s_frame[AP_MAX_FRAME];

void mps2_fault_report(const uint32_t *frame, uint32_t exc_return)
{
    __asm volatile("cpsid i" ::: "memory");
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    ipsr &= 0x1FFu;
    uint32_t cfsr = SCB_CFSR;
    uint32_t hfsr = SCB_HFSR;
    uint32_t mmfar = SCB_MMFAR;
    uint32_t bfar = SCB_BFAR;
    bool stacked = frame_readable(frame) && !(cfsr & (CFSR_MSTKERR | CFSR_STKERR));
    const char *reason = exception_name(ipsr, cfsr, hfsr);
    const char *case_name = safe_case_name();

    /* A frame (or a log line) cut short by the fault is padded to its announced length first. */
    (void)mps2_uart_abort_write();

    ap_writer_t w;
    ap_begin(&w, s_frame, sizeof(s_frame));
    ap_put_str(&w, AT_MESSAGE, reason);
    if (case_name != NULL) {
        ap_put_str(&w, AT_NAME, case_name);
    }
#define ADD_REG(reg_name, reg_value)                                                           \
    do {                                                                                       \
        ap_put_str(&w, AT_METRIC_NAME, (reg_name));                                            \
        ap_put_u64(&w, AT_METRIC_VALUE, (uint64_t)(reg_value));                                \
    } while (0)
    if (stacked) {
        ADD_REG("pc", frame[6]);
        ADD_REG("lr", frame[5]);
        ADD_REG("xpsr", frame[7]);
    }
    ADD_REG("cfsr", cfsr);
    ADD_REG("hfsr", hfsr);
    if (cfsr & CFSR_MMARVALID) {
        ADD_REG("mmfar", mmfar);
    }
    if (cfsr & CFSR_BFARVALID) {
        ADD_REG("bfar", bfar);
    }
    ADD_REG("exc_return", exc_return);
    ADD_REG("ipsr", ipsr);
    ADD_REG("sp", (uint32_t)(uintptr_t)frame);
    ADD_REG("stack_hwm", mps2_stack_high_water());
#undef ADD_REG
    size_t n = ap_finish(&w, AP_FAULT, 0);
    if (n != 0) {
        (void)mps2_uart_write(s_frame, n);
    }

    char line[200];
    int len = snprintf(line, sizeof(line),
                       "\r\nFAULT: %s%s%s pc=0x%08lx lr=0x%08lx xpsr=0x%08lx cfsr=0x%08lx hfsr=0x%08lx"
                       " -- waiting for reset\r\n",
                       reason, case_name ? " in " : "", case_name ? case_name : "",
                       stacked ? (unsigned long)frame[6] : 0ul, stacked ? (unsigned long)frame[5] : 0ul,
                       stacked ? (unsigned long)frame[7] : 0ul, (unsigned long)cfsr, (unsigned long)hfsr);
    if (len > 0) {
        (void)mps2_uart_write((const uint8_t *)line, (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1);
    }
    for (;;) {
        __asm volatile("wfi");
    }
}
