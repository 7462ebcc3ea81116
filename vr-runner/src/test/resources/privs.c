/* Prints the effective uid and the privilege lines of /proc/self/status. Installed setuid root in a test
 * stack image: a proc that is not root must not gain privileges by running it. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  char line[256];
  FILE *f = fopen("/proc/self/status", "r");
  printf("euid=%d\n", (int) geteuid());
  if (f == NULL) {
    return 1;
  }
  while (fgets(line, sizeof line, f) != NULL) {
    if (strncmp(line, "NoNewPrivs", 10) == 0 || strncmp(line, "CapEff", 6) == 0 || strncmp(line, "CapBnd", 6) == 0) {
      fputs(line, stdout);
    }
  }
  fclose(f);
  return 0;
}
