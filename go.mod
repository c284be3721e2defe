module github.com/go-storages/storage

go 1.26.0
