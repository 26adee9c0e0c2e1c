package workbook

import (
	"fmt"
	"os"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestDump(t *testing.T) {
	f, err := excelize.OpenFile(os.Getenv("XLSX"))
	if err != nil {
		t.Skip()
	}
	for _, sh := range f.GetSheetList() {
		rows, _ := f.GetRows(sh)
		fmt.Println("==", sh, len(rows))
		for i, r := range rows {
			if i > 45 {
				break
			}
			fmt.Println(i+1, r)
		}
	}
}
